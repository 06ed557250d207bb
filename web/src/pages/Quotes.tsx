import { Anchor, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { useAccountNames } from '../components/AccountNames';
import { CellBadge, oneOf, PageHead, TableFrame, useUrlState } from '../components/admin/Layout';
import { Empty, ErrorState, Loading } from '../components/States';
import { day, exactMoney, relative } from '../lib/format';
import { pctText, QUOTE_STATUS_COLOR, QUOTE_STATUS_LABEL, type QuoteStatus } from '../lib/renewals';

const STATUSES: readonly QuoteStatus[] = ['draft', 'sent', 'signed', 'lost'];

/** Renewal quotes, newest first, by status. */
export default function Quotes() {
  const [params, set] = useUrlState();
  const status = oneOf(params.get('status'), STATUSES);
  const quotes = useQuery({
    queryKey: ['quotes', status],
    queryFn: () =>
      unwrap(api.GET('/api/v1/quotes', { params: { query: status ? { status } : {} } })),
  });
  const items = quotes.data?.items ?? [];
  // The list answers with account ids only; names come from the (cached) accounts.
  const names = useAccountNames(items.map((q) => (q.accountName ? null : q.accountId)));
  return (
    <Stack gap="md">
      <PageHead
        title="Quotes"
        description="Renewal quotes, newest first. Make one from a card on the renewals board."
      />
      <SegmentedControl
        aria-label="Quote status"
        value={status ?? 'all'}
        onChange={(v) => set({ status: v === 'all' ? null : v })}
        data={[
          { value: 'all', label: 'All' },
          ...STATUSES.map((s) => ({ value: s, label: QUOTE_STATUS_LABEL[s] })),
        ]}
        style={{ alignSelf: 'flex-start' }}
      />
      {quotes.isPending && <Loading label="Loading quotes" />}
      {quotes.isError && <ErrorState error={quotes.error} retry={() => void quotes.refetch()} />}
      {quotes.isSuccess && items.length === 0 && (
        <Empty title="No quotes here yet">
          Open the renewals board and choose Make a quote in a card’s menu.
        </Empty>
      )}
      {items.length > 0 && (
        <TableFrame label="Quotes">
          <Table verticalSpacing="xs" miw={820} data-testid="quotes">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Quote</Table.Th>
                <Table.Th>Account</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th ta="right">Total</Table.Th>
                <Table.Th>Terms</Table.Th>
                <Table.Th>Term starts</Table.Th>
                <Table.Th>Changed</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((q) => (
                <Table.Tr key={q.id} data-testid="quote-row">
                  <Table.Td>
                    <Anchor component={Link} to={`/quotes/${q.id}`} fw={600} size="sm">
                      {q.number}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/accounts/${q.accountId}`} size="sm">
                      {q.accountName ?? names.get(q.accountId) ?? '…'}
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      {q.plan}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <CellBadge color={QUOTE_STATUS_COLOR[q.status]}>
                      {QUOTE_STATUS_LABEL[q.status]}
                    </CellBadge>
                  </Table.Td>
                  <Table.Td ta="right">{exactMoney(q.totals.totalMinor, q.currency)}</Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {q.seats} seats · {q.termMonths} months
                    </Text>
                    <Text size="xs" c="dimmed">
                      uplift {pctText(q.upliftBp)} · discount {pctText(q.discountBp)}
                    </Text>
                  </Table.Td>
                  <Table.Td>{day(q.termStart)}</Table.Td>
                  <Table.Td>
                    <Text size="sm" title={q.updatedAt}>
                      {relative(q.updatedAt)}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableFrame>
      )}
    </Stack>
  );
}
