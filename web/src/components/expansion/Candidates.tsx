import {
  Anchor,
  Badge,
  Button,
  Group,
  List,
  Stack,
  Table,
  Text,
  ThemeIcon,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { IconCheck, IconPlus, IconX } from '@tabler/icons-react';
import { Link } from 'react-router';
import { money } from '../../lib/format';
import type { Candidate } from '../../lib/renewals';
import { CellBadge, TableFrame } from '../admin/Layout';

function Readiness({ c }: { c: Candidate }) {
  return (
    <List spacing={2} size="xs" center data-testid="readiness">
      {c.readiness.map((r) => (
        <List.Item
          key={r.key}
          icon={
            <ThemeIcon size={16} radius="xl" color={r.ok ? 'teal' : 'gray'} variant="light">
              {r.ok ? <IconCheck size={12} aria-hidden /> : <IconX size={12} aria-hidden />}
            </ThemeIcon>
          }
        >
          <VisuallyHidden>{r.ok ? 'Met: ' : 'Not met: '}</VisuallyHidden>
          {r.detail}
        </List.Item>
      ))}
    </List>
  );
}

/**
 * Accounts by expansion score: the signals that scored (with their points and evidence),
 * whether the account is ready to be asked, and a button to open an opportunity.
 */
export function Candidates({
  items,
  threshold,
  canOpen,
  onOpen,
}: {
  items: Candidate[];
  threshold: number;
  canOpen: (c: Candidate) => boolean;
  onOpen: (c: Candidate) => void;
}) {
  return (
    <TableFrame label="Expansion candidates">
      <Table verticalSpacing="xs" miw={1000} data-testid="candidates">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Account</Table.Th>
            <Table.Th ta="right">ARR</Table.Th>
            <Table.Th ta="right">Score</Table.Th>
            <Table.Th>Signals</Table.Th>
            <Table.Th>Readiness</Table.Th>
            <Table.Th>Opportunity</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((c) => (
            <Table.Tr key={c.accountId} data-testid="candidate">
              <Table.Td>
                <Anchor component={Link} to={`/accounts/${c.accountId}`} size="sm" fw={600}>
                  {c.accountName}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {c.tier ?? 'Not scored'}
                  {c.licensedSeats !== null &&
                    ` · ${c.activeUsers30d} of ${c.licensedSeats} seats active`}
                </Text>
              </Table.Td>
              <Table.Td ta="right">{money(c.arrMinor, c.currency)}</Table.Td>
              <Table.Td ta="right">
                <Text size="sm" fw={700} c={c.score >= threshold ? undefined : 'dimmed'}>
                  {c.score}
                </Text>
              </Table.Td>
              <Table.Td maw={360}>
                <Group gap={4}>
                  {c.signals.map((s) => (
                    <Tooltip key={s.key} label={s.evidence} multiline maw={280}>
                      <Badge
                        variant="light"
                        color="indigo"
                        size="sm"
                        h="auto"
                        py={2}
                        style={{ textTransform: 'none', maxWidth: '100%' }}
                        styles={{ label: { whiteSpace: 'normal' } }}
                        data-testid="signal"
                      >
                        +{s.points} {s.label}
                        <VisuallyHidden>: {s.evidence}</VisuallyHidden>
                      </Badge>
                    </Tooltip>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>
                <Stack gap={4}>
                  {c.ready ? (
                    <CellBadge color="teal">Ready</CellBadge>
                  ) : (
                    <CellBadge color="gray">Not yet</CellBadge>
                  )}
                  <Readiness c={c} />
                </Stack>
              </Table.Td>
              <Table.Td>
                {c.openOpportunities > 0 && (
                  <Text size="xs" mb={4}>
                    {c.openOpportunities} open
                  </Text>
                )}
                {canOpen(c) && (
                  <Button
                    size="xs"
                    variant="light"
                    leftSection={<IconPlus size={14} />}
                    onClick={() => onOpen(c)}
                    aria-label={`Open opportunity for ${c.accountName}`}
                  >
                    Open opportunity
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableFrame>
  );
}
