import { describe, expect, it } from 'vitest';
import { auditQuery, exportHref, showValue } from './audit';
import { searchCatalog, sortCatalog, type CatalogEvent } from './catalog';

function event(name: string, volume: number, props: string[] = [], type = 'track'): CatalogEvent {
  const at = (d: number) => `2026-05-${String(d).padStart(2, '0')}T00:00:00.000Z`;
  return {
    key: `${type}:${name}`,
    type,
    name,
    firstSeenAt: at(volume % 28 || 1),
    lastSeenAt: at(28 - (volume % 27)),
    volume,
    properties: props.map((p) => ({
      name: p,
      type: 'string',
      firstSeenAt: at(1),
      lastSeenAt: at(2),
      volume: 1,
    })),
  };
}

describe('the event catalog', () => {
  const items = [
    event('Report Created', 30, ['plan', 'report_id']),
    event('Login', 90, ['method']),
    event('Home', 5, ['path'], 'page'),
  ];

  it('finds events by name, or by a property and then shows only the matching ones', () => {
    expect(searchCatalog(items, 'report', null).map((r) => r.event.name)).toEqual([
      'Report Created',
    ]);
    const byProp = searchCatalog(items, 'METH', null);
    expect(byProp).toHaveLength(1);
    expect(byProp[0]!.byProperty).toBe(true);
    expect(byProp[0]!.properties.map((p) => p.name)).toEqual(['method']);
    expect(searchCatalog(items, '', 'page').map((r) => r.event.name)).toEqual(['Home']);
    expect(searchCatalog(items, '  ', null)).toHaveLength(3);
  });

  it('sorts by volume, name and time in either direction', () => {
    const rows = searchCatalog(items, '', null);
    const names = (s: Parameters<typeof sortCatalog>[1], d: 'asc' | 'desc') =>
      sortCatalog(rows, s, d).map((r) => r.event.name);
    expect(names('volume', 'desc')).toEqual(['Login', 'Report Created', 'Home']);
    expect(names('name', 'asc')).toEqual(['Home', 'Login', 'Report Created']);
    expect(names('name', 'desc')).toEqual(['Report Created', 'Login', 'Home']);
    expect(names('firstSeenAt', 'asc')).toEqual(names('firstSeenAt', 'desc').reverse());
  });
});

describe('the audit filters', () => {
  it('turn URL days into the API’s instants, the last day included', () => {
    const q = auditQuery(
      new URLSearchParams('entity=user&actor=%20tom%40x.dev%20&from=2026-05-01&to=2026-05-31'),
    );
    expect(q).toEqual({
      entity: 'user',
      actor: 'tom@x.dev',
      from: '2026-05-01T00:00:00Z',
      to: '2026-06-01T00:00:00.000Z',
    });
  });

  it('leave out malformed dates and empty fields', () => {
    expect(auditQuery(new URLSearchParams('from=yesterday&to=&entityId='))).toEqual({});
  });

  it('give the CSV export the same filters', () => {
    expect(exportHref({})).toBe('/api/v1/audit/export.csv');
    expect(exportHref({ entity: 'api_key', action: 'revoke' })).toBe(
      '/api/v1/audit/export.csv?entity=api_key&action=revoke',
    );
  });

  it('show JSON kept in strings unfolded, and nothing as empty', () => {
    expect(showValue('{"a":1}')).toEqual({ text: '{\n  "a": 1\n}', block: true, empty: false });
    expect(showValue('{not json}').text).toBe('{not json}');
    expect(showValue(null).empty).toBe(true);
    expect(showValue(false).text).toBe('false');
    expect(showValue({ b: [1] }).block).toBe(true);
  });
});
