import { Anchor, Badge, Box, Group, Paper, Text, UnstyledButton } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconArrowDown, IconArrowUp } from '@tabler/icons-react';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import { Link } from 'react-router';
import { daysUntil, day, money, relative, stageLabel } from '../lib/format';
import type { Item, PortfolioRow, SortField } from '../lib/portfolio';
import { HealthBadge, TrendSparkline } from './Health';
import classes from './PortfolioTable.module.css';

interface Column {
  field: SortField | null;
  label: string;
}

const COLUMNS: Column[] = [
  { field: 'name', label: 'Account' },
  { field: 'health', label: 'Health' },
  { field: null, label: '30 days' },
  { field: 'arr', label: 'ARR' },
  { field: 'renewal', label: 'Renewal' },
  { field: 'owner', label: 'Owner' },
  { field: 'segment', label: 'Segment' },
  { field: 'alerts', label: 'Alerts' },
  { field: 'tasks', label: 'Tasks' },
  { field: 'touch', label: 'Last touch' },
];

function Renewal({ date }: { date: string | null }) {
  const d = daysUntil(date);
  if (date === null || d === null)
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  return (
    <Text size="sm" c={d < 0 ? 'red' : d <= 30 ? 'orange' : undefined} title={day(date)}>
      {day(date)}
      <Text span size="xs" c="dimmed" display="block">
        {d < 0 ? `${-d} days overdue` : `in ${d} days`}
      </Text>
    </Text>
  );
}

function DesktopRow({ r }: { r: PortfolioRow }) {
  return (
    <div role="row" className={classes.row}>
      <div role="cell" className={classes.name}>
        <Anchor component={Link} to={`/accounts/${r.id}`} fw={600} size="sm">
          {r.name}
        </Anchor>
        <Text size="xs" c="dimmed">
          {stageLabel(r.stage)}
        </Text>
      </div>
      <div role="cell">
        <HealthBadge tier={r.health?.tier ?? null} score={r.health?.score ?? null} />
      </div>
      <div role="cell">
        {r.health && (
          <TrendSparkline
            trend={r.health.trend}
            tier={r.health.tier}
            label={`Health over 30 days for ${r.name}`}
          />
        )}
      </div>
      <div role="cell">
        <Text size="sm" ta="right">
          {money(r.arrMinor, r.currency)}
        </Text>
      </div>
      <div role="cell">
        <Renewal date={r.renewalDate} />
      </div>
      <div role="cell">
        <Text size="sm">{r.owner?.name ?? '—'}</Text>
      </div>
      <div role="cell">
        <Text size="sm">{r.segment}</Text>
      </div>
      <div role="cell">
        {r.openAlerts > 0 ? (
          <Badge color="red" variant="light" aria-label={`${r.openAlerts} open alerts`}>
            {r.openAlerts}
          </Badge>
        ) : (
          <Text size="sm" c="dimmed">
            0
          </Text>
        )}
      </div>
      <div role="cell">
        <Text
          size="sm"
          c={r.openTasks > 0 ? undefined : 'dimmed'}
          aria-label={`${r.openTasks} open tasks`}
        >
          {r.openTasks}
        </Text>
      </div>
      <div role="cell">
        <Text size="sm" title={r.lastTouchAt ?? undefined}>
          {relative(r.lastTouchAt)}
        </Text>
      </div>
    </div>
  );
}

function PhoneRow({ r }: { r: PortfolioRow }) {
  return (
    <div role="row" className={classes.card}>
      <div role="cell" className={classes.cardMain}>
        <Anchor component={Link} to={`/accounts/${r.id}`} fw={600} size="sm">
          {r.name}
        </Anchor>
        <Text size="xs" c="dimmed">
          {money(r.arrMinor, r.currency)} · renews {day(r.renewalDate)} ·{' '}
          {r.owner?.name ?? 'no owner'}
        </Text>
      </div>
      <div role="cell">
        <Group gap={6} wrap="nowrap">
          {r.openAlerts > 0 && (
            <Badge color="red" variant="light" aria-label={`${r.openAlerts} open alerts`}>
              {r.openAlerts}
            </Badge>
          )}
          <HealthBadge tier={r.health?.tier ?? null} score={r.health?.score ?? null} />
        </Group>
      </div>
    </div>
  );
}

/** The portfolio as a virtualised table: only the rows on screen are in the page. */
export function PortfolioTable({
  items,
  sort,
  dir,
  onSort,
}: {
  items: Item[];
  sort: SortField;
  dir: 'asc' | 'desc';
  onSort: (f: SortField) => void;
}) {
  const phone = useMediaQuery('(max-width: 48em)') ?? false;
  const listRef = useRef<HTMLDivElement>(null);
  const virtualizer = useWindowVirtualizer({
    count: items.length,
    estimateSize: (i) => (items[i]?.kind === 'group' ? 40 : phone ? 64 : 56),
    overscan: 10,
    scrollMargin: listRef.current?.offsetTop ?? 0,
  });
  return (
    <Paper
      withBorder
      radius="md"
      role="table"
      aria-label="Accounts"
      aria-rowcount={items.length + 1}
    >
      {!phone && (
        <div role="rowgroup">
          <div role="row" className={`${classes.row} ${classes.head}`}>
            {COLUMNS.map((c) => (
              <div
                role="columnheader"
                key={c.label}
                aria-sort={
                  c.field && c.field === sort
                    ? dir === 'asc'
                      ? 'ascending'
                      : 'descending'
                    : undefined
                }
              >
                {c.field ? (
                  <UnstyledButton onClick={() => onSort(c.field!)} className={classes.sort}>
                    {c.label}
                    {c.field === sort &&
                      (dir === 'asc' ? <IconArrowUp size={12} /> : <IconArrowDown size={12} />)}
                  </UnstyledButton>
                ) : (
                  c.label
                )}
              </div>
            ))}
          </div>
        </div>
      )}
      <div
        role="rowgroup"
        ref={listRef}
        style={{ height: virtualizer.getTotalSize(), position: 'relative' }}
      >
        {virtualizer.getVirtualItems().map((v) => {
          const it = items[v.index]!;
          return (
            <Box
              key={it.kind === 'row' ? it.row.id : `g:${it.key}`}
              data-index={v.index}
              ref={virtualizer.measureElement}
              pos="absolute"
              top={0}
              left={0}
              w="100%"
              style={{ transform: `translateY(${v.start - virtualizer.options.scrollMargin}px)` }}
            >
              {it.kind === 'group' ? (
                <div role="row" className={classes.group}>
                  <div role="cell">
                    <Text size="sm" fw={700} component="span">
                      {it.label}
                    </Text>{' '}
                    <Text size="xs" c="dimmed" component="span">
                      {it.count} accounts
                      {it.currency ? ` · ${money(it.arrMinor, it.currency, true)} ARR` : ''}
                    </Text>
                  </div>
                </div>
              ) : phone ? (
                <PhoneRow r={it.row} />
              ) : (
                <DesktopRow r={it.row} />
              )}
            </Box>
          );
        })}
      </div>
    </Paper>
  );
}
