import { Anchor, Button, Group, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { IconChartBar, IconDownload, IconRefresh } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { PageHead } from '../components/admin/Layout';
import { Board } from '../components/renewals/Board';
import {
  pipelineQuery,
  useBoardFilters,
  usePipeline,
  useRecompute,
  useSummary,
} from '../components/renewals/hooks';
import { OutcomeModal } from '../components/renewals/OutcomeModal';
import { OverrideModal, type OverrideTarget } from '../components/renewals/OverrideModal';
import { RenewalTable } from '../components/renewals/RenewalTable';
import { Empty, ErrorState, Loading } from '../components/States';
import { money } from '../lib/format';
import { BUCKET_LABEL, BUCKETS, currenciesOf, totalsOf, type RenewalItem } from '../lib/renewals';
import { mayEditAccount, useUser } from '../lib/session';

/**
 * The renewal pipeline: overdue renewals and the next 120 days as a board (columns by
 * window, lanes by bucket) or a list, with the CSM's overrides, a quote from any card, the
 * CSV of what is shown and a button to work the buckets out now.
 */
export default function Renewals() {
  const me = useUser();
  const { filters, ownerId, set } = useBoardFilters();
  const pipeline = usePipeline(filters, ownerId);
  const summary = useSummary(ownerId);
  const recompute = useRecompute();
  const [target, setTarget] = useState<OverrideTarget | null>(null);
  const [ending, setEnding] = useState<RenewalItem | null>(null);

  const allCells = summary.data?.cells ?? [];
  const cells = allCells.filter(
    (c) =>
      (!filters.currency || c.currency === filters.currency) &&
      (!filters.bucket || c.bucket === filters.bucket),
  );
  const total = totalsOf(cells, () => true);
  const items = pipeline.data?.items ?? [];
  const canEdit = (i: RenewalItem) => mayEditAccount(me, i.ownerId);
  const csv = new URLSearchParams(pipelineQuery(filters, ownerId)).toString();

  return (
    <Stack gap="md">
      <PageHead
        title="Renewals"
        description="Overdue renewals and the next 120 days, by window and bucket. Drag a card to another bucket, or use its menu, to make your own call."
      >
        <Button
          component={Link}
          to="/renewals/forecast"
          variant="default"
          leftSection={<IconChartBar size={16} />}
        >
          Forecast
        </Button>
        {me.role !== 'viewer' && (
          <Button
            variant="default"
            leftSection={<IconRefresh size={16} />}
            loading={recompute.isPending}
            onClick={() => recompute.mutate()}
          >
            Refresh buckets
          </Button>
        )}
        <Button
          component="a"
          href={`/api/v1/renewals/export.csv${csv ? `?${csv}` : ''}`}
          download
          variant="default"
          leftSection={<IconDownload size={16} />}
        >
          Export CSV
        </Button>
      </PageHead>
      <Group gap="sm" wrap="wrap" align="flex-end">
        <SegmentedControl
          aria-label="Whose renewals"
          value={filters.owner}
          onChange={(v) => set({ owner: v })}
          data={[
            { value: 'mine', label: 'Mine' },
            { value: 'all', label: 'Everyone' },
          ]}
        />
        <Select
          label="Bucket"
          placeholder="All buckets"
          clearable
          w={170}
          data={BUCKETS.map((b) => ({ value: b, label: BUCKET_LABEL[b] }))}
          value={filters.bucket}
          onChange={(v) => set({ bucket: v })}
        />
        <Select
          label="Currency"
          placeholder="All currencies"
          clearable
          w={170}
          data={currenciesOf(allCells)}
          value={filters.currency}
          onChange={(v) => set({ currency: v })}
        />
        <SegmentedControl
          aria-label="Show as"
          value={filters.view}
          onChange={(v) => set({ view: v === 'board' ? null : v })}
          data={[
            { value: 'board', label: 'Board' },
            { value: 'list', label: 'List' },
          ]}
        />
      </Group>
      <Text size="sm" data-testid="renewals-summary">
        {summary.isSuccess
          ? `${total.count} renewal${total.count === 1 ? '' : 's'}${
              total.arr.length > 0
                ? `: ${total.arr.map((a) => money(a.arrMinor, a.currency)).join(' + ')} ARR`
                : ''
            }${total.arr.length > 1 ? ' (each currency on its own, not converted)' : ''}`
          : '\u00a0'}
      </Text>
      {pipeline.isPending && <Loading label="Loading renewals" />}
      {pipeline.isError && (
        <ErrorState error={pipeline.error} retry={() => void pipeline.refetch()} />
      )}
      {summary.isError && <ErrorState error={summary.error} retry={() => void summary.refetch()} />}
      {pipeline.isSuccess && items.length === 0 && (
        <Empty title="No renewals here">
          Nothing renews in the next 120 days with these filters. Try Everyone, or clear the bucket
          and currency.
        </Empty>
      )}
      {items.length > 0 &&
        (filters.view === 'board' ? (
          <Board
            items={items}
            cells={cells}
            buckets={filters.bucket ? [filters.bucket] : BUCKETS}
            canEdit={canEdit}
            onOverride={setTarget}
            onOutcome={setEnding}
          />
        ) : (
          <RenewalTable
            items={items}
            canEdit={canEdit}
            onOverride={setTarget}
            onOutcome={setEnding}
          />
        ))}
      {pipeline.data?.more && (
        <Text size="sm" c="dimmed">
          Showing the nearest {items.length} renewals; narrow the board with the filters, or{' '}
          <Anchor href={`/api/v1/renewals/export.csv${csv ? `?${csv}` : ''}`}>
            export them all
          </Anchor>
          .
        </Text>
      )}
      <OverrideModal target={target} onClose={() => setTarget(null)} />
      <OutcomeModal item={ending} onClose={() => setEnding(null)} />
    </Stack>
  );
}
