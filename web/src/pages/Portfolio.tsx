import {
  Badge,
  Button,
  Collapse,
  Group,
  MultiSelect,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedCallback, useDisclosure, useMediaQuery } from '@mantine/hooks';
import { IconDownload, IconSearch } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { ErrorState, Empty, Loading } from '../components/States';
import { PortfolioTable } from '../components/PortfolioTable';
import { SavedViews } from '../components/SavedViews';
import { money, stageLabel } from '../lib/format';
import {
  arrange,
  paramsFromView,
  toCsv,
  viewFromParams,
  type PortfolioRow,
  type ViewState,
} from '../lib/portfolio';
import { useUser } from '../lib/session';
import { downloadCsv } from '../lib/csv';

const uniq = (xs: (string | null | undefined)[]) =>
  [...new Set(xs.filter((x): x is string => !!x))].sort((a, b) => a.localeCompare(b));

type Scope = 'mine' | 'team' | 'all';

/** The portfolio's query, shared with the prefetch that starts before the page renders. */
export function portfolioQuery(scope: Scope | null) {
  return {
    queryKey: ['portfolio', scope ?? 'default'],
    queryFn: () =>
      unwrap(api.GET('/api/v1/portfolio', { params: { query: scope ? { scope } : {} } })),
  };
}

export default function Portfolio() {
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const view = viewFromParams(params);
  // Without a scope in the URL the server picks the role's default (a CSM's own book).
  const data = useQuery(portfolioQuery(view.scope));
  const scope = data.data?.scope ?? view.scope ?? (user.role === 'csm' ? 'mine' : 'all');
  const setView = (patch: Partial<ViewState>) =>
    setParams(paramsFromView({ ...view, ...patch }), { replace: true });
  const [q, setQ] = useState(view.q);
  // On a phone the filters fold away behind one button, so the book is on the first screen.
  const phone = useMediaQuery('(max-width: 48em)') ?? false;
  const [filtersOpen, { toggle: toggleFilters }] = useDisclosure(false);
  const active =
    view.tiers.length +
    view.segments.length +
    view.stages.length +
    view.owners.length +
    (view.renewal ? 1 : 0) +
    (view.alertsOnly ? 1 : 0) +
    (view.group !== 'none' ? 1 : 0);
  const setSearch = useDebouncedCallback((value: string) => setView({ q: value }), 200);

  const rows: PortfolioRow[] = data.data?.rows ?? [];
  const now = Date.now();
  const items = useMemo(() => arrange(rows, view, now), [rows, params.toString()]);
  const shown = items.filter((i) => i.kind === 'row').length;
  const options = useMemo(
    () => ({
      tiers: uniq(rows.map((r) => r.health?.tier ?? 'Not scored')),
      segments: uniq(rows.map((r) => r.segment)),
      stages: uniq(rows.map((r) => r.stage)),
      owners: [
        ...new Map(rows.filter((r) => r.owner).map((r) => [r.owner!.id, r.owner!.name])).entries(),
      ]
        .map(([value, label]) => ({ value, label }))
        .sort((a, b) => a.label.localeCompare(b.label)),
    }),
    [rows],
  );
  const arr = items.reduce((s, i) => (i.kind === 'row' ? s + i.row.arrMinor : s), 0);
  const currencies = new Set(rows.map((r) => r.currency));

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Title order={1} size="h2">
            Portfolio
          </Title>
          <Text size="sm" c="dimmed" data-testid="portfolio-summary">
            {data.isSuccess
              ? `${shown} of ${rows.length} accounts${currencies.size === 1 ? ` · ${money(arr, rows[0]!.currency, true)} ARR` : ''}`
              : '\u00a0'}
          </Text>
        </div>
        <Group gap="xs">
          <SavedViews current={params} onApply={(p) => setParams(p, { replace: false })} />
          <Button
            variant="default"
            leftSection={<IconDownload size={16} />}
            disabled={!data.isSuccess || shown === 0}
            onClick={() => downloadCsv('portfolio.csv', toCsv(items))}
          >
            Export CSV
          </Button>
        </Group>
      </Group>
      <Group gap="sm" align="flex-end" wrap="wrap">
        <SegmentedControl
          aria-label="Whose accounts"
          value={scope}
          onChange={(v) => setView({ scope: v as ViewState['scope'] })}
          data={[
            { value: 'mine', label: 'My book' },
            { value: 'team', label: 'My team' },
            { value: 'all', label: 'Everyone' },
          ]}
        />
        <TextInput
          aria-label="Search accounts"
          placeholder="Search name, owner, segment…"
          leftSection={<IconSearch size={16} />}
          value={q}
          onChange={(e) => {
            setQ(e.currentTarget.value);
            setSearch(e.currentTarget.value);
          }}
          w={{ base: '100%', sm: 260 }}
        />
        {phone && (
          <Button variant="default" onClick={toggleFilters} aria-expanded={filtersOpen}>
            Filters{active > 0 ? ` (${active})` : ''}
          </Button>
        )}
      </Group>
      <Collapse in={!phone || filtersOpen}>
        <Group gap="sm" align="flex-end" wrap="wrap">
          <MultiSelect
            label="Health"
            placeholder={view.tiers.length ? undefined : 'Any'}
            data={options.tiers}
            value={view.tiers}
            onChange={(tiers) => setView({ tiers })}
            clearable
            w={{ base: '100%', sm: 180 }}
          />
          <MultiSelect
            label="Segment"
            placeholder={view.segments.length ? undefined : 'Any'}
            data={options.segments}
            value={view.segments}
            onChange={(segments) => setView({ segments })}
            clearable
            w={{ base: '100%', sm: 180 }}
          />
          <MultiSelect
            label="Stage"
            placeholder={view.stages.length ? undefined : 'Any'}
            data={options.stages.map((s) => ({ value: s, label: stageLabel(s) }))}
            value={view.stages}
            onChange={(stages) => setView({ stages })}
            clearable
            w={{ base: '100%', sm: 180 }}
          />
          <MultiSelect
            label="Owner"
            placeholder={view.owners.length ? undefined : 'Any'}
            data={options.owners}
            value={view.owners}
            onChange={(owners) => setView({ owners })}
            clearable
            searchable
            w={{ base: '100%', sm: 200 }}
          />
          <Select
            label="Renewal"
            placeholder="Any time"
            value={view.renewal}
            onChange={(v) => setView({ renewal: (v as ViewState['renewal']) ?? null })}
            data={[
              { value: 'overdue', label: 'Overdue' },
              { value: '30', label: 'Next 30 days' },
              { value: '60', label: 'Next 60 days' },
              { value: '90', label: 'Next 90 days' },
              { value: '120', label: 'Next 120 days' },
            ]}
            clearable
            w={{ base: '100%', sm: 160 }}
          />
          <Select
            label="Group by"
            value={view.group}
            onChange={(v) => setView({ group: (v as ViewState['group']) ?? 'none' })}
            data={[
              { value: 'none', label: 'No grouping' },
              { value: 'tier', label: 'Health tier' },
              { value: 'segment', label: 'Segment' },
              { value: 'owner', label: 'Owner' },
              { value: 'stage', label: 'Stage' },
            ]}
            allowDeselect={false}
            w={{ base: '100%', sm: 160 }}
          />
          <Switch
            label="Open alerts only"
            checked={view.alertsOnly}
            onChange={(e) => setView({ alertsOnly: e.currentTarget.checked })}
            mb={8}
          />
        </Group>
      </Collapse>
      {data.isPending && <Loading label="Loading the portfolio" />}
      {data.isError && <ErrorState error={data.error} retry={() => void data.refetch()} />}
      {data.isSuccess && rows.length === 0 && (
        <Empty title={scope === 'mine' ? 'No accounts are yours yet' : 'No accounts yet'}>
          {scope === 'mine'
            ? 'Accounts you own appear here. Switch to Everyone to see the whole book.'
            : 'Import accounts from a CSV file, or send product events and they will appear.'}
        </Empty>
      )}
      {data.isSuccess && rows.length > 0 && shown === 0 && (
        <Empty title="No account matches these filters">
          <Badge variant="light" component="span">
            Clear a filter to see more
          </Badge>
        </Empty>
      )}
      {data.isSuccess && shown > 0 && (
        <PortfolioTable
          items={items}
          sort={view.sort}
          dir={view.dir}
          onSort={(sort) =>
            setView({ sort, dir: view.sort === sort && view.dir === 'asc' ? 'desc' : 'asc' })
          }
        />
      )}
    </Stack>
  );
}
