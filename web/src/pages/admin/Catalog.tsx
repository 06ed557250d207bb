import {
  ActionIcon,
  Code,
  Group,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { IconChevronDown, IconChevronRight, IconSearch } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Fragment, useMemo, useState } from 'react';
import { api, unwrap } from '../../api/client';
import {
  CATALOG_SORTS,
  searchCatalog,
  sortCatalog,
  type CatalogSort,
} from '../../components/admin/catalog';
import {
  oneOf,
  PageHead,
  SortTh,
  TableFrame,
  useTextParam,
  useUrlState,
  type Dir,
  CellBadge,
} from '../../components/admin/Layout';
import { Empty, ErrorState, Loading } from '../../components/States';
import { day, relative } from '../../lib/format';

const count = (n: number) => n.toLocaleString('en-US');

/** Every event name and property Tenure has seen; search, type and sort live in the URL. */
export default function Catalog() {
  const [params, set] = useUrlState();
  const sort = oneOf(params.get('sort'), CATALOG_SORTS) ?? 'volume';
  const dir: Dir =
    oneOf(params.get('dir'), ['asc', 'desc'] as const) ?? (sort === 'name' ? 'asc' : 'desc');
  const type = params.get('type');
  const [q, setQ] = useTextParam('q');
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const catalog = useQuery({
    queryKey: ['ingest', 'catalog'],
    queryFn: () => unwrap(api.GET('/api/v1/events/catalog')),
  });
  const items = catalog.data?.items ?? [];
  const types = useMemo(() => [...new Set(items.map((e) => e.type))].sort(), [items]);
  const rows = useMemo(
    () => sortCatalog(searchCatalog(items, params.get('q') ?? '', type), sort, dir),
    [items, params.toString()],
  );
  const onSort = (f: CatalogSort) =>
    set({ sort: f, dir: f === sort ? (dir === 'asc' ? 'desc' : 'asc') : null });
  const toggle = (key: string) => {
    const next = new Set(open);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    setOpen(next);
  };
  const properties = items.reduce((n, e) => n + e.properties.length, 0);

  return (
    <Stack gap="md">
      <PageHead
        title="Event catalog"
        description={
          catalog.isSuccess
            ? `${count(items.length)} events and ${count(properties)} properties seen, with first and last sighting and volume.`
            : 'Every event name and property seen, with first and last sighting and volume.'
        }
      />
      <Group gap="sm" align="flex-end" wrap="wrap">
        <TextInput
          aria-label="Search events and properties"
          placeholder="Search events and properties…"
          leftSection={<IconSearch size={16} />}
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          w={{ base: '100%', sm: 300 }}
        />
        <Select
          aria-label="Call type"
          placeholder="Any call type"
          data={types}
          value={type}
          onChange={(v) => set({ type: v })}
          clearable
          w={{ base: '100%', sm: 180 }}
        />
      </Group>
      {catalog.isPending && <Loading label="Loading the event catalog" />}
      {catalog.isError && <ErrorState error={catalog.error} retry={() => void catalog.refetch()} />}
      {catalog.isSuccess && items.length === 0 && (
        <Empty title="No events yet">
          Events and their properties are listed here as soon as the first ones arrive. The
          Ingestion page says how to send them.
        </Empty>
      )}
      {catalog.isSuccess && items.length > 0 && rows.length === 0 && (
        <Empty title="No event or property matches">Try a shorter search or another type.</Empty>
      )}
      {rows.length > 0 && (
        <TableFrame label="Event catalog">
          <Table verticalSpacing="xs" miw={680} data-testid="catalog">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={40}>
                  <VisuallyHidden>Properties</VisuallyHidden>
                </Table.Th>
                <SortTh label="Event" field="name" sort={sort} dir={dir} onSort={onSort} />
                <Table.Th>Type</Table.Th>
                <SortTh label="Volume" field="volume" sort={sort} dir={dir} onSort={onSort} />
                <SortTh
                  label="First seen"
                  field="firstSeenAt"
                  sort={sort}
                  dir={dir}
                  onSort={onSort}
                />
                <SortTh
                  label="Last seen"
                  field="lastSeenAt"
                  sort={sort}
                  dir={dir}
                  onSort={onSort}
                />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map(({ event: e, properties: props, byProperty }) => {
                const unfolded = byProperty || open.has(e.key);
                return (
                  <Fragment key={e.key}>
                    <Table.Tr>
                      <Table.Td>
                        {e.properties.length > 0 && (
                          <ActionIcon
                            variant="subtle"
                            color="gray"
                            aria-expanded={unfolded}
                            aria-label={`${unfolded ? 'Hide' : 'Show'} the properties of ${e.name}`}
                            onClick={() => toggle(e.key)}
                            disabled={byProperty}
                          >
                            {unfolded ? (
                              <IconChevronDown size={16} />
                            ) : (
                              <IconChevronRight size={16} />
                            )}
                          </ActionIcon>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" fw={600}>
                          {e.name}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {e.properties.length === 1
                            ? '1 property'
                            : `${e.properties.length} properties`}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <CellBadge color="gray">{e.type}</CellBadge>
                      </Table.Td>
                      <Table.Td>{count(e.volume)}</Table.Td>
                      <Table.Td title={e.firstSeenAt}>{day(e.firstSeenAt)}</Table.Td>
                      <Table.Td title={e.lastSeenAt}>{relative(e.lastSeenAt)}</Table.Td>
                    </Table.Tr>
                    {unfolded &&
                      props.map((p) => (
                        <Table.Tr
                          key={`${e.key}:${p.name}`}
                          bg="var(--mantine-color-default-hover)"
                        >
                          <Table.Td />
                          <Table.Td pl="lg">
                            <Code>{p.name}</Code>
                          </Table.Td>
                          <Table.Td>
                            <Text size="xs">{p.type}</Text>
                          </Table.Td>
                          <Table.Td>{count(p.volume)}</Table.Td>
                          <Table.Td title={p.firstSeenAt}>{day(p.firstSeenAt)}</Table.Td>
                          <Table.Td title={p.lastSeenAt}>{relative(p.lastSeenAt)}</Table.Td>
                        </Table.Tr>
                      ))}
                  </Fragment>
                );
              })}
            </Table.Tbody>
          </Table>
        </TableFrame>
      )}
    </Stack>
  );
}
