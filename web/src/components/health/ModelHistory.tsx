import { Anchor, Badge, Paper, Stack, Table, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { day } from '../../lib/format';
import type { ModelVersion } from '../../lib/models';
import { ErrorState, Loading } from '../States';
import { ModelDefinition } from './ModelDefinition';

/** "user:usr_1" → the user's name; presets and keys in words. */
function Author({ by }: { by: string }) {
  const [kind, id = ''] = by.split(':');
  const user = useQuery({
    queryKey: ['user', id],
    queryFn: () => unwrap(api.GET('/api/v1/users/{id}', { params: { path: { id } } })),
    enabled: kind === 'user',
    retry: false,
    staleTime: 10 * 60_000,
  });
  if (by === 'system:presets') return <>Preset</>;
  if (kind === 'api_key') return <>API key</>;
  if (kind === 'operator') return <>Command line</>;
  if (kind !== 'user') return <>{kind}</>;
  return <>{user.data?.name ?? 'A user'}</>;
}

/** Every version of a model, newest first; one of them (?version=N, else the newest) shown in full. */
export function ModelHistory({
  modelKey,
  versions,
  labelOf,
}: {
  modelKey: string;
  versions: ModelVersion[];
  labelOf: (id: string) => string;
}) {
  const [params] = useSearchParams();
  const asked = Number(params.get('version'));
  const chosen = versions.some((v) => v.version === asked) ? asked : versions[0]?.version;
  const version = useQuery({
    queryKey: ['health-model', modelKey, 'version', chosen],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/health/models/{key}/versions/{version}', {
          params: { path: { key: modelKey, version: chosen! } },
        }),
      ),
    enabled: chosen !== undefined,
  });
  const link = (v: number) => {
    const next = new URLSearchParams(params);
    next.set('tab', 'history');
    next.set('version', String(v));
    return `?${next.toString()}`;
  };
  return (
    <Stack gap="md">
      <Paper withBorder radius="md" style={{ overflowX: 'auto' }}>
        <Table highlightOnHover miw={560} data-testid="model-history">
          <Table.Caption>Versions of this model, newest first</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Version</Table.Th>
              <Table.Th>Saved</Table.Th>
              <Table.Th>By</Table.Th>
              <Table.Th>Note</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {versions.map((v) => (
              <Table.Tr
                key={v.version}
                bg={v.version === chosen ? 'var(--mantine-color-default-hover)' : undefined}
              >
                <Table.Td>
                  <Anchor
                    component={Link}
                    to={link(v.version)}
                    replace
                    aria-current={v.version === chosen ? 'true' : undefined}
                  >
                    v{v.version}
                  </Anchor>
                  {v.version === versions[0]?.version && (
                    <Badge ml={6} size="sm" variant="light">
                      Latest
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{day(v.createdAt)}</Table.Td>
                <Table.Td>
                  <Author by={v.createdBy} />
                </Table.Td>
                <Table.Td>{v.note ?? '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      {version.isPending && <Loading label="Loading the version" />}
      {version.isError && <ErrorState error={version.error} retry={() => void version.refetch()} />}
      {version.data && (
        <Stack gap="sm">
          <Title order={2} size="h4">
            Version {version.data.version}
            {version.data.note ? `: ${version.data.note}` : ''}
          </Title>
          <ModelDefinition def={version.data.definition} labelOf={labelOf} />
        </Stack>
      )}
    </Stack>
  );
}
