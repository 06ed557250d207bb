import { ActionIcon, Anchor, Badge, Group, Menu, Paper, Stack, Text } from '@mantine/core';
import {
  IconArrowBackUp,
  IconCircleCheck,
  IconDots,
  IconExternalLink,
  IconFileDollar,
  IconGripVertical,
} from '@tabler/icons-react';
import type { DragEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { day, money } from '../../lib/format';
import { BUCKET_COLOR, BUCKET_LABEL, BUCKETS, dueText, type RenewalItem } from '../../lib/renewals';
import { useActorName } from './hooks';
import type { OverrideTarget } from './OverrideModal';

/** The type a dragged card carries, so lanes ignore anything else dropped on them. */
export const DRAG_TYPE = 'application/x-tenure-renewal';

/**
 * What may be done with a renewal, by keyboard or touch: another bucket, back to automatic,
 * a quote, how it ended, the account. The same menu sits on cards and table rows.
 */
export function RenewalMenu({
  item,
  canEdit,
  onOverride,
  onOutcome,
}: {
  item: RenewalItem;
  canEdit: boolean;
  onOverride: (t: OverrideTarget) => void;
  onOutcome: (item: RenewalItem) => void;
}) {
  const navigate = useNavigate();
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${item.accountName}`}>
          <IconDots size={16} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        {canEdit && (
          <>
            <Menu.Label>Change bucket</Menu.Label>
            {BUCKETS.filter((b) => b !== item.bucket).map((b) => (
              <Menu.Item
                key={b}
                leftSection={<BucketDot bucket={b} />}
                onClick={() => onOverride({ item, bucket: b })}
              >
                Move to {BUCKET_LABEL[b]}
              </Menu.Item>
            ))}
            {item.override && (
              <Menu.Item
                leftSection={<IconArrowBackUp size={16} />}
                onClick={() => onOverride({ item, bucket: null })}
              >
                Back to automatic
              </Menu.Item>
            )}
            <Menu.Divider />
            <Menu.Item
              leftSection={<IconFileDollar size={16} />}
              onClick={() =>
                void navigate(
                  `/quotes/new?subscriptionId=${encodeURIComponent(item.subscriptionId)}`,
                )
              }
            >
              Make a quote
            </Menu.Item>
            <Menu.Item leftSection={<IconCircleCheck size={16} />} onClick={() => onOutcome(item)}>
              Record outcome…
            </Menu.Item>
          </>
        )}
        <Menu.Item
          leftSection={<IconExternalLink size={16} />}
          onClick={() => void navigate(`/accounts/${item.accountId}`)}
        >
          Open the account
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

function BucketDot({ bucket }: { bucket: RenewalItem['bucket'] }) {
  return (
    <span
      aria-hidden
      style={{
        display: 'inline-block',
        width: 10,
        height: 10,
        borderRadius: 5,
        background: `var(--mantine-color-${BUCKET_COLOR[bucket]}-6)`,
      }}
    />
  );
}

/** The override's badge and reason: whose call it was and why. */
export function OverrideNote({ item }: { item: RenewalItem }) {
  const who = useActorName();
  if (!item.override) return null;
  return (
    <Stack gap={2} data-testid="override">
      <Badge
        size="sm"
        variant="light"
        color="gray"
        data-testid="override-badge"
        style={{ minWidth: 'max-content' }}
      >
        Override · rules say {BUCKET_LABEL[item.override.automatic]}
      </Badge>
      <Text size="xs" fs="italic" data-testid="override-reason">
        “{item.override.reason}” — {who(item.override.by)}
      </Text>
    </Stack>
  );
}

/** One renewal on the board; draggable to another bucket's lane by those who may change it. */
export function RenewalCard({
  item,
  canEdit,
  onOverride,
  onOutcome,
  onDragStart,
  onDragEnd,
}: {
  item: RenewalItem;
  canEdit: boolean;
  onOverride: (t: OverrideTarget) => void;
  onOutcome: (item: RenewalItem) => void;
  onDragStart: (item: RenewalItem) => void;
  onDragEnd: () => void;
}) {
  const start = (e: DragEvent<HTMLDivElement>) => {
    e.dataTransfer.setData(DRAG_TYPE, item.subscriptionId);
    e.dataTransfer.setData('text/plain', item.accountName);
    e.dataTransfer.effectAllowed = 'move';
    onDragStart(item);
  };
  return (
    <Paper
      withBorder
      radius="sm"
      p="xs"
      data-testid="renewal-card"
      data-subscription={item.subscriptionId}
      draggable={canEdit}
      onDragStart={canEdit ? start : undefined}
      onDragEnd={onDragEnd}
      style={{
        borderLeft: `4px solid var(--mantine-color-${BUCKET_COLOR[item.bucket]}-6)`,
        cursor: canEdit ? 'grab' : undefined,
      }}
    >
      <Group justify="space-between" wrap="nowrap" gap={4} align="flex-start">
        <Group gap={4} wrap="nowrap" align="flex-start" style={{ minWidth: 0 }}>
          {canEdit && (
            <IconGripVertical
              size={14}
              aria-hidden
              style={{ flexShrink: 0, marginTop: 3, color: 'var(--mantine-color-dimmed)' }}
            />
          )}
          <div style={{ minWidth: 0 }}>
            <Anchor
              component={Link}
              to={`/accounts/${item.accountId}`}
              size="sm"
              fw={600}
              draggable={false}
              style={{ overflowWrap: 'anywhere' }}
            >
              {item.accountName}
            </Anchor>
            <Text size="xs" c="dimmed">
              {item.plan} · {money(item.arrMinor, item.currency)} ARR
            </Text>
          </div>
        </Group>
        <RenewalMenu item={item} canEdit={canEdit} onOverride={onOverride} onOutcome={onOutcome} />
      </Group>
      <Text size="xs" mt={4}>
        Renews {day(item.renewalDate)}{' '}
        <Text span size="xs" c={item.daysToRenewal < 0 ? 'red' : 'dimmed'}>
          ({dueText(item.daysToRenewal)})
        </Text>
      </Text>
      <Text size="xs" c="dimmed" data-testid="bucket-reason">
        {item.override ? `Rules: ${item.bucketReason}` : `Why: ${item.bucketReason}`}
      </Text>
      <OverrideNote item={item} />
    </Paper>
  );
}
