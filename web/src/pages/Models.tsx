import {
  Anchor,
  Badge,
  Breadcrumbs,
  Button,
  Group,
  Paper,
  Stack,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { ModelActions } from '../components/health/ModelActions';
import { ModelDefinition } from '../components/health/ModelDefinition';
import { ModelEditor } from '../components/health/ModelEditor';
import { ModelHistory } from '../components/health/ModelHistory';
import { ModelList } from '../components/health/ModelList';
import { ErrorState, Loading } from '../components/States';
import { day } from '../lib/format';
import { definitionOf, draftOf, scopeText, type Draft } from '../lib/models';
import { mayEditModels, useUser } from '../lib/session';

const measuresQuery = {
  queryKey: ['health-measures'],
  queryFn: () => unwrap(api.GET('/api/v1/health/measures')),
  staleTime: 60 * 60_000,
};

/** One model: its definition, its versions, and for admins the editor (?tab=, ?version=). */
function ModelDetail({ modelKey }: { modelKey: string }) {
  const user = useUser();
  const editor = mayEditModels(user);
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const tabs = ['definition', 'history', ...(editor ? ['edit'] : [])];
  const tab = tabs.includes(params.get('tab') ?? '') ? params.get('tab')! : 'definition';
  const versions = useQuery({
    queryKey: ['health-model', modelKey],
    queryFn: () =>
      unwrap(api.GET('/api/v1/health/models/{key}', { params: { path: { key: modelKey } } })),
  });
  const measures = useQuery(measuresQuery);
  // The draft lives here, so switching tabs keeps unsaved edits.
  const [edited, setDraft] = useState<Draft | null>(null);
  if (versions.isPending || measures.isPending) return <Loading label="Loading the model" />;
  if (versions.isError)
    return <ErrorState error={versions.error} retry={() => void versions.refetch()} />;
  if (measures.isError)
    return <ErrorState error={measures.error} retry={() => void measures.refetch()} />;
  const latest = versions.data.items[0]!;
  const labelOf = (id: string) => measures.data.items.find((m) => m.id === id)?.label ?? id;
  const draft = edited ?? draftOf(latest.definition);
  const unsaved =
    edited !== null &&
    JSON.stringify(definitionOf(edited)) !==
      JSON.stringify(definitionOf(draftOf(latest.definition)));
  const setTab = (v: string | null) => {
    const next = new URLSearchParams(params);
    next.set('tab', v ?? 'definition');
    if (v !== 'history') next.delete('version');
    setParams(next, { replace: true });
  };

  return (
    <Stack gap="md">
      <Breadcrumbs>
        <Anchor component={Link} to="/models" size="sm">
          Health models
        </Anchor>
        <Text size="sm">{latest.name}</Text>
      </Breadcrumbs>
      <Paper withBorder p="md" radius="md">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
          <div>
            <Title order={1} size="h2">
              {latest.name}
            </Title>
            <Group gap={6} mt={4}>
              <Badge variant="light" color={latest.active ? 'teal' : 'gray'}>
                {latest.active ? 'Active' : 'Off'}
              </Badge>
              <Badge variant="default" tt="none">
                v{latest.version}
              </Badge>
              <Text size="sm" c="dimmed">
                {latest.key} · {scopeText(latest.definition.appliesTo)} · saved{' '}
                {day(latest.createdAt)}
              </Text>
            </Group>
          </div>
          <Group gap="xs">
            <ModelActions latest={latest} editor={editor} />
            <Button
              variant="default"
              component={Link}
              to={`/backtests?model=${encodeURIComponent(latest.key)}`}
            >
              Backtests
            </Button>
            {editor && tab !== 'edit' && (
              <Button variant="light" onClick={() => setTab('edit')}>
                Edit model
              </Button>
            )}
          </Group>
        </Group>
      </Paper>
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List style={{ overflowX: 'auto', flexWrap: 'nowrap' }}>
          <Tabs.Tab value="definition">Definition</Tabs.Tab>
          <Tabs.Tab value="history">History ({versions.data.items.length})</Tabs.Tab>
          {editor && <Tabs.Tab value="edit">Edit{unsaved ? ' (unsaved)' : ''}</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="definition" pt="md">
          <ModelDefinition def={latest.definition} labelOf={labelOf} />
        </Tabs.Panel>
        <Tabs.Panel value="history" pt="md">
          <ModelHistory modelKey={modelKey} versions={versions.data.items} labelOf={labelOf} />
        </Tabs.Panel>
        {editor && (
          <Tabs.Panel value="edit" pt="md">
            <ModelEditor
              latest={latest}
              draft={draft}
              setDraft={setDraft}
              measures={measures.data.items}
              onSaved={(v) => {
                setDraft(null);
                void navigate(`/models/${modelKey}?tab=history&version=${v}`, { replace: true });
              }}
            />
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}

/** /models lists the health models; /models/:key opens one. */
export default function Models() {
  const { key } = useParams();
  return key ? <ModelDetail key={key} modelKey={key} /> : <ModelList />;
}
