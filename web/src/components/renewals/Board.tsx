import { Badge, Box, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useState, type DragEvent } from 'react';
import { money } from '../../lib/format';
import {
  BUCKET_COLOR,
  BUCKET_LABEL,
  groupBoard,
  totalsOf,
  WINDOW_LABEL,
  WINDOWS,
  type Bucket,
  type CellTotals,
  type RenewalItem,
  type SummaryCell,
  type WindowKey,
} from '../../lib/renewals';
import type { OverrideTarget } from './OverrideModal';
import { DRAG_TYPE, RenewalCard } from './RenewalCard';

/** Cards a lane shows before "Show all": a window of 90 renewals stays readable. */
const SHOWN = 6;

function ArrLines({ totals }: { totals: CellTotals }) {
  if (totals.arr.length === 0)
    return (
      <Text size="xs" c="dimmed">
        No ARR
      </Text>
    );
  return (
    <Text size="xs" c="dimmed">
      {totals.arr.map((a) => `${money(a.arrMinor, a.currency)}`).join(' · ')} ARR
    </Text>
  );
}

function Lane({
  window,
  bucket,
  items,
  totals,
  dragging,
  canEdit,
  onOverride,
  onOutcome,
  onDrag,
}: {
  window: WindowKey;
  bucket: Bucket;
  items: RenewalItem[];
  totals: CellTotals;
  dragging: RenewalItem | null;
  canEdit: (i: RenewalItem) => boolean;
  onOverride: (t: OverrideTarget) => void;
  onOutcome: (i: RenewalItem) => void;
  onDrag: (i: RenewalItem | null) => void;
}) {
  const [all, setAll] = useState(false);
  const [over, setOver] = useState(false);
  const accepts = dragging !== null && dragging.bucket !== bucket;
  const color = BUCKET_COLOR[bucket];
  const shown = all ? items : items.slice(0, SHOWN);
  const label = `${BUCKET_LABEL[bucket]}, ${WINDOW_LABEL[window]}`;
  const onDragOver = (e: DragEvent<HTMLDivElement>) => {
    if (!accepts || !e.dataTransfer.types.includes(DRAG_TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    if (!over) setOver(true);
  };
  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    setOver(false);
    if (!accepts || !dragging) return;
    e.preventDefault();
    onOverride({ item: dragging, bucket });
    onDrag(null);
  };
  return (
    <Box
      role="group"
      aria-label={label}
      data-testid="lane"
      data-window={window}
      data-bucket={bucket}
      onDragOver={onDragOver}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      p={6}
      style={{
        borderRadius: 'var(--mantine-radius-md)',
        background: `var(--mantine-color-${color}-light)`,
        outline:
          over && accepts
            ? `2px dashed var(--mantine-color-${color}-6)`
            : accepts
              ? `1px dashed var(--mantine-color-${color}-4)`
              : undefined,
        minHeight: 64,
      }}
    >
      <Group justify="space-between" gap={4} mb={6} wrap="nowrap">
        <Badge variant="light" color={color} style={{ minWidth: 'max-content' }}>
          {BUCKET_LABEL[bucket]}
        </Badge>
        <Text size="xs" fw={600} data-testid="lane-count">
          {totals.count}
        </Text>
      </Group>
      <Stack gap={6}>
        {shown.map((i) => (
          <RenewalCard
            key={i.subscriptionId}
            item={i}
            canEdit={canEdit(i)}
            onOverride={onOverride}
            onOutcome={onOutcome}
            onDragStart={onDrag}
            onDragEnd={() => onDrag(null)}
          />
        ))}
        {items.length > SHOWN && (
          <Button size="compact-xs" variant="white" onClick={() => setAll(!all)}>
            {all ? 'Show fewer' : `Show all ${items.length}`}
          </Button>
        )}
        {items.length === 0 && accepts && (
          <Text size="xs" c="dimmed" ta="center">
            Drop here for {BUCKET_LABEL[bucket]}
          </Text>
        )}
      </Stack>
    </Box>
  );
}

/**
 * Renewals in columns by window (overdue, then 30-day steps to 120) and lanes by bucket.
 * Dragging a card to another lane asks why, then overrides its bucket; the card menus do
 * the same for keyboards and phones. The board scrolls sideways in its own frame.
 */
export function Board({
  items,
  cells,
  buckets,
  canEdit,
  onOverride,
  onOutcome,
}: {
  items: RenewalItem[];
  /** The summary, already narrowed to the page's filters. */
  cells: SummaryCell[];
  buckets: readonly Bucket[];
  canEdit: (i: RenewalItem) => boolean;
  onOverride: (t: OverrideTarget) => void;
  onOutcome: (i: RenewalItem) => void;
}) {
  const [dragging, setDragging] = useState<RenewalItem | null>(null);
  const grouped = groupBoard(items);
  // A window with no renewals takes less room than one with cards.
  const columns = WINDOWS.map((w) =>
    items.some((i) => i.window === w) ? 'minmax(200px, 1fr)' : 'minmax(130px, 0.5fr)',
  ).join(' ');
  return (
    <Paper
      withBorder
      radius="md"
      role="region"
      aria-label="Renewals board"
      tabIndex={0}
      p="xs"
      style={{ overflowX: 'auto' }}
      data-testid="board"
    >
      <div
        style={{
          display: 'grid',
          gridTemplateColumns: columns,
          gap: 8,
          alignItems: 'start',
        }}
      >
        {WINDOWS.map((w) => {
          const t = totalsOf(cells, (c) => c.window === w);
          return (
            <div key={w} data-testid="window-column" data-window={w}>
              <Text fw={700} size="sm" component="h2" m={0}>
                {WINDOW_LABEL[w]}
              </Text>
              <Text size="xs" data-testid="window-count">
                {t.count} renewal{t.count === 1 ? '' : 's'}
              </Text>
              <ArrLines totals={t} />
            </div>
          );
        })}
        {buckets.map((b) =>
          WINDOWS.map((w) => (
            <Lane
              key={`${w}|${b}`}
              window={w}
              bucket={b}
              items={grouped.get(`${w}|${b}`) ?? []}
              totals={totalsOf(cells, (c) => c.window === w && c.bucket === b)}
              dragging={dragging}
              canEdit={canEdit}
              onOverride={onOverride}
              onOutcome={onOutcome}
              onDrag={setDragging}
            />
          )),
        )}
      </div>
    </Paper>
  );
}
