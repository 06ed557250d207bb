import { Anchor, Table, Text, VisuallyHidden } from '@mantine/core';
import { Link } from 'react-router';
import { day, money } from '../../lib/format';
import {
  BUCKET_COLOR,
  BUCKET_LABEL,
  dueText,
  WINDOW_LABEL,
  type RenewalItem,
} from '../../lib/renewals';
import { CellBadge, TableFrame } from '../admin/Layout';
import type { OverrideTarget } from './OverrideModal';
import { OverrideNote, RenewalMenu } from './RenewalCard';

/** The same renewals as a list, nearest first: for reading down a long window or a phone. */
export function RenewalTable({
  items,
  canEdit,
  onOverride,
  onOutcome,
}: {
  items: RenewalItem[];
  canEdit: (i: RenewalItem) => boolean;
  onOverride: (t: OverrideTarget) => void;
  onOutcome: (i: RenewalItem) => void;
}) {
  return (
    <TableFrame label="Renewals">
      <Table verticalSpacing="xs" miw={960} data-testid="renewal-rows">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Account</Table.Th>
            <Table.Th>Renewal</Table.Th>
            <Table.Th>Window</Table.Th>
            <Table.Th>Bucket</Table.Th>
            <Table.Th ta="right">ARR</Table.Th>
            <Table.Th>Why</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((i) => (
            <Table.Tr
              key={i.subscriptionId}
              data-testid="renewal-row"
              data-subscription={i.subscriptionId}
            >
              <Table.Td>
                <Anchor component={Link} to={`/accounts/${i.accountId}`} size="sm" fw={600}>
                  {i.accountName}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {i.plan}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{day(i.renewalDate)}</Text>
                <Text size="xs" c={i.daysToRenewal < 0 ? 'red' : 'dimmed'}>
                  {dueText(i.daysToRenewal)}
                </Text>
              </Table.Td>
              <Table.Td>{WINDOW_LABEL[i.window]}</Table.Td>
              <Table.Td>
                <CellBadge color={BUCKET_COLOR[i.bucket]}>{BUCKET_LABEL[i.bucket]}</CellBadge>
              </Table.Td>
              <Table.Td ta="right">{money(i.arrMinor, i.currency)}</Table.Td>
              <Table.Td maw={320}>
                <Text size="xs">{i.bucketReason}</Text>
                <OverrideNote item={i} />
              </Table.Td>
              <Table.Td>
                <RenewalMenu
                  item={i}
                  canEdit={canEdit(i)}
                  onOverride={onOverride}
                  onOutcome={onOutcome}
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableFrame>
  );
}
