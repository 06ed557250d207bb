import { Anchor, Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { relative } from '../../lib/format';
import { kindLabel, needsMapping, plural, statusBadge, type ImportView } from '../../lib/import';
import { Empty, ErrorState, Loading } from '../States';

export const historyQuery = {
  queryKey: ['imports'],
  queryFn: () => unwrap(api.GET('/api/v1/imports', { params: { query: { limit: 20 } } })),
};

function summary(v: ImportView): string {
  const r = v.report;
  if (r.problems.length) return 'not checked';
  if (needsMapping(v)) return plural(r.rows, 'row');
  const parts = [plural(r.rows, 'row'), `${r.created.toLocaleString('en-US')} new`];
  parts.push(`${r.updated.toLocaleString('en-US')} updated`);
  if (r.badRows) parts.push(plural(r.badRows, 'bad row'));
  return parts.join(' · ');
}

/** Past imports, newest first; each opens in the wizard. */
export function ImportHistory({ current }: { current: string | null }) {
  const imports = useQuery(historyQuery);
  return (
    <Stack gap="sm" component="section" aria-labelledby="import-history">
      <Title order={2} size="h4" id="import-history">
        Recent imports
      </Title>
      {imports.isPending && <Loading label="Loading past imports" />}
      {imports.isError && <ErrorState error={imports.error} retry={() => void imports.refetch()} />}
      {imports.isSuccess && imports.data.items.length === 0 && (
        <Empty title="No imports yet">Files you upload appear here, checked or applied.</Empty>
      )}
      {imports.isSuccess && imports.data.items.length > 0 && (
        <Stack gap={6} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
          {imports.data.items.map((v) => {
            const badge = statusBadge(v);
            const here = v.id === current;
            return (
              <Paper
                key={v.id}
                component="li"
                withBorder
                p="sm"
                radius="md"
                style={here ? { borderColor: 'var(--mantine-primary-color-filled)' } : undefined}
              >
                <Group justify="space-between" wrap="wrap" gap="xs">
                  <Group gap="xs" wrap="wrap">
                    <Anchor
                      component={Link}
                      to={`/import?import=${encodeURIComponent(v.id)}`}
                      fw={600}
                      size="sm"
                      aria-current={here ? 'page' : undefined}
                      style={{ wordBreak: 'break-word' }}
                    >
                      {v.fileName ?? v.id}
                    </Anchor>
                    <Badge size="sm" variant="light" color="gray">
                      {kindLabel(v.kind)}
                    </Badge>
                    <Badge size="sm" variant="light" color={badge.color}>
                      {badge.label}
                    </Badge>
                  </Group>
                  <Text size="xs" c="dimmed" title={v.appliedAt ?? v.createdAt}>
                    {summary(v)} · {v.appliedAt ? 'applied' : 'checked'}{' '}
                    {relative(v.appliedAt ?? v.createdAt)}
                  </Text>
                </Group>
              </Paper>
            );
          })}
        </Stack>
      )}
    </Stack>
  );
}
