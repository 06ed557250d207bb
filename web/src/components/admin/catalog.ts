import type { Schemas } from '../../api/client';

/** The event catalog's search and sort, pure so they can be tested without a browser. */

export type CatalogEvent = Schemas['CatalogEvent'];
export const CATALOG_SORTS = ['name', 'volume', 'firstSeenAt', 'lastSeenAt'] as const;
export type CatalogSort = (typeof CATALOG_SORTS)[number];

export interface CatalogRow {
  event: CatalogEvent;
  /** The properties to show: all of them, or those the search matched. */
  properties: CatalogEvent['properties'];
  /** The search matched a property, not the event's own name: show them unfolded. */
  byProperty: boolean;
}

/** Events whose name, or one of whose properties, contains `q` (any case), of `type` if given. */
export function searchCatalog(
  items: readonly CatalogEvent[],
  q: string,
  type: string | null,
): CatalogRow[] {
  const needle = q.trim().toLowerCase();
  const out: CatalogRow[] = [];
  for (const event of items) {
    if (type && event.type !== type) continue;
    if (!needle || event.name.toLowerCase().includes(needle)) {
      out.push({ event, properties: event.properties, byProperty: false });
      continue;
    }
    const props = event.properties.filter((p) => p.name.toLowerCase().includes(needle));
    if (props.length) out.push({ event, properties: props, byProperty: true });
  }
  return out;
}

/** Sorted by one field; ties fall back to the name so the order is stable. */
export function sortCatalog(rows: CatalogRow[], sort: CatalogSort, dir: 'asc' | 'desc') {
  const sign = dir === 'asc' ? 1 : -1;
  const byName = (a: CatalogRow, b: CatalogRow) =>
    a.event.name.localeCompare(b.event.name) || a.event.type.localeCompare(b.event.type);
  return [...rows].sort((a, b) => {
    let c = 0;
    if (sort === 'volume') c = a.event.volume - b.event.volume;
    else if (sort !== 'name') c = a.event[sort].localeCompare(b.event[sort]);
    return sign * (c || byName(a, b));
  });
}
