import { Anchor, Badge, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { day } from '../../lib/format';
import { scopeText } from '../../lib/models';
import { Empty, ErrorState, Loading } from '../States';
import { mayEditModels, useUser } from '../../lib/session';
import { ImportModel } from './ImportModel';
import { TierBadges } from './ModelDefinition';

export const modelsQuery = {
  queryKey: ['health-models'],
  queryFn: () => unwrap(api.GET('/api/v1/health/models')),
};

/** Every model key at its latest version: whether it scores accounts, for whom, and its tiers. */
export function ModelList() {
  const models = useQuery(modelsQuery);
  const user = useUser();
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <div>
          <Title order={1} size="h2">
            Health models
          </Title>
          <Text size="sm" c="dimmed">
            Each account is scored by the most specific active model that applies to it.
          </Text>
        </div>
        {mayEditModels(user) && <ImportModel />}
      </Group>
      {models.isPending && <Loading label="Loading the models" />}
      {models.isError && <ErrorState error={models.error} retry={() => void models.refetch()} />}
      {models.isSuccess && models.data.items.length === 0 && (
        <Empty title="No health models yet">
          The preset models appear here once Tenure has started.
        </Empty>
      )}
      {models.isSuccess && models.data.items.length > 0 && (
        <Paper withBorder radius="md" style={{ overflowX: 'auto' }}>
          <Table highlightOnHover miw={760}>
            <Table.Caption>Health models</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Model</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Applies to</Table.Th>
                <Table.Th>Version</Table.Th>
                <Table.Th>Tiers</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {models.data.items.map((m) => (
                <Table.Tr key={m.key}>
                  <Table.Td>
                    <Anchor component={Link} to={`/models/${m.key}`} fw={600}>
                      {m.name}
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      {m.key}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge
                      variant="light"
                      color={m.active ? 'teal' : 'gray'}
                      style={{ minWidth: 'max-content' }}
                    >
                      {m.active ? 'Active' : 'Off'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{scopeText(m.definition.appliesTo)}</Table.Td>
                  <Table.Td>
                    v{m.version}
                    <Text size="xs" c="dimmed">
                      {day(m.createdAt)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <TierBadges tiers={m.definition.tiers} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </Stack>
  );
}
