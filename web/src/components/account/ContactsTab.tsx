import { Badge, Group, Paper, Table } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { relative } from '../../lib/format';
import { Empty, ErrorState, Loading } from '../States';

export function ContactsTab({ accountId }: { accountId: string }) {
  const contacts = useQuery({
    queryKey: ['contacts', accountId],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/contacts', {
          params: { query: { accountId, limit: 200, includeLeft: 'true' } },
        }),
      ),
  });
  if (contacts.isPending) return <Loading label="Loading contacts" />;
  if (contacts.isError)
    return <ErrorState error={contacts.error} retry={() => void contacts.refetch()} />;
  if (contacts.data.items.length === 0)
    return <Empty title="No contacts yet">Import contacts or add them through the API.</Empty>;
  return (
    <Paper withBorder radius="md" style={{ overflowX: 'auto' }}>
      <Table>
        <Table.Caption>People at this account</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Title</Table.Th>
            <Table.Th>Roles</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>Last seen</Table.Th>
            <Table.Th>NPS</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {contacts.data.items.map((c) => (
            <Table.Tr key={c.id} style={c.leftOn ? { opacity: 0.6 } : undefined}>
              <Table.Td>
                {c.name}
                {c.leftOn && ` (left ${c.leftOn})`}
              </Table.Td>
              <Table.Td>{c.title ?? '—'}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {c.roles.map((r) => (
                    <Badge
                      key={r}
                      size="sm"
                      variant="light"
                      color={r === 'detractor' ? 'red' : r === 'champion' ? 'teal' : 'indigo'}
                    >
                      {r.replace('_', ' ')}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>{c.email ?? '—'}</Table.Td>
              <Table.Td>{relative(c.lastSeenAt)}</Table.Td>
              <Table.Td>{c.latestNps ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
