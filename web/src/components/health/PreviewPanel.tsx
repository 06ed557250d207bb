import { Alert, Group, List, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { messageLabel, pathLabel, type Draft, type Preview, type Problem } from '../../lib/models';

const tierName = (t: string | null) => t ?? 'No score';

/** The draft's problems by field, or how many accounts it would move between tiers. */
export function PreviewPanel({
  preview,
  problems,
  checking,
  error,
  draft,
  labelOf,
}: {
  preview: Preview | undefined;
  /** The preview's problems and any the save reported. */
  problems: Problem[];
  checking: boolean;
  error: string | null;
  draft: Draft;
  labelOf: (id: string) => string;
}) {
  const ok = preview?.valid === true ? preview : null;
  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="nowrap">
        <Title order={2} size="h4">
          Check and preview
        </Title>
        {checking && <Loader size="xs" role="status" aria-label="Checking the draft" />}
      </Group>
      {/* Polite: the result changes as the admin types; it should not interrupt. */}
      <div aria-live="polite" data-testid="model-checks">
        {error && (
          <Alert color="red" p="xs">
            {error}
          </Alert>
        )}
        {problems.length > 0 && (
          <Alert
            color="red"
            p="xs"
            title={`${problems.length} problem${problems.length === 1 ? '' : 's'} to fix before saving`}
          >
            <List size="sm" spacing={4}>
              {problems.map((p, i) => (
                <List.Item key={i}>
                  <Text span fw={600} size="sm">
                    {pathLabel(p.path, draft, labelOf)}
                  </Text>
                  : {messageLabel(p.message, draft, labelOf)}
                </List.Item>
              ))}
            </List>
          </Alert>
        )}
        {problems.length === 0 && ok && (
          <Stack gap="xs">
            <Text fw={600} data-testid="preview-summary">
              {ok.moved === 0
                ? `No account would change tier (of ${ok.accounts} scored).`
                : `${ok.moved} of ${ok.accounts} account${ok.accounts === 1 ? '' : 's'} would change tier.`}
            </Text>
            {!ok.active && (
              <Text size="sm" c="dimmed">
                This model is switched off, so saving it changes no account’s score.
              </Text>
            )}
            {ok.active && (
              <Text size="sm" c="dimmed">
                It scores {ok.scoredByDraft} of them; compared on each account’s latest measures.
              </Text>
            )}
            {ok.unrecorded.length > 0 && (
              <Text size="sm" c="dimmed">
                Not recorded in the latest scores, so counted as no data here:{' '}
                {ok.unrecorded.map(labelOf).join(', ')}. They count once accounts are rescored.
              </Text>
            )}
            {ok.changes.length > 0 && (
              <div style={{ overflowX: 'auto' }}>
                <Table verticalSpacing={4}>
                  <Table.Caption>Accounts that would move</Table.Caption>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>From</Table.Th>
                      <Table.Th>To</Table.Th>
                      <Table.Th ta="right">Accounts</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {ok.changes.map((c) => (
                      <Table.Tr key={`${c.from}>${c.to}`}>
                        <Table.Td>{tierName(c.from)}</Table.Td>
                        <Table.Td>{tierName(c.to)}</Table.Td>
                        <Table.Td ta="right">{c.count}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </div>
            )}
            <div style={{ overflowX: 'auto' }}>
              <Table verticalSpacing={4}>
                <Table.Caption>Accounts per tier</Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Tier</Table.Th>
                    <Table.Th ta="right">Now</Table.Th>
                    <Table.Th ta="right">After saving</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {ok.tiers.map((t) => (
                    <Table.Tr key={tierName(t.tier)}>
                      <Table.Td>{tierName(t.tier)}</Table.Td>
                      <Table.Td ta="right">{t.before}</Table.Td>
                      <Table.Td ta="right">{t.after}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </div>
          </Stack>
        )}
        {problems.length === 0 && !ok && !error && (
          <Text size="sm" c="dimmed">
            Checking the draft…
          </Text>
        )}
      </div>
    </Stack>
  );
}
