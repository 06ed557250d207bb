import { Button, Grid, Group, Paper, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, ApiError, messageOf, unwrap } from '../../api/client';
import {
  definitionOf,
  draftOf,
  messageLabel,
  problemsByPath,
  sumWeights,
  type Draft,
  type MeasureInfo,
  type ModelVersion,
  type Problem,
} from '../../lib/models';
import { FormError } from '../FormError';
import { DimensionFields, TierFields, type Edit } from './DraftFields';
import { PreviewPanel } from './PreviewPanel';
import { ScopeFields } from './ScopeFields';
import { aaErrors } from './styles';

/**
 * The model editor (admins): weights, bands and tiers as a form. Every change is checked by
 * the server's own validation and previewed against the accounts' latest scores as you type;
 * saving adds the next version.
 */
export function ModelEditor({
  latest,
  draft,
  setDraft,
  measures,
  onSaved,
}: {
  latest: ModelVersion;
  draft: Draft;
  setDraft: (d: Draft | null) => void;
  measures: MeasureInfo[];
  onSaved: (version: number) => void;
}) {
  const qc = useQueryClient();
  // Beside the form on wide screens it follows the scroll; on a phone it sits above the form.
  const wide = useMediaQuery('(min-width: 62em)') ?? false;
  const labelOf = (id: string) => measures.find((m) => m.id === id)?.label ?? id;
  const [note, setNote] = useState('');
  const [saveProblems, setSaveProblems] = useState<Problem[]>([]);
  const [saveError, setSaveError] = useState<string | null>(null);
  const edit: Edit = (change) => {
    const next = structuredClone(draft);
    change(next);
    setSaveProblems([]);
    setSaveError(null);
    setDraft(next);
  };

  const body = useMemo(() => JSON.stringify(definitionOf(draft)), [draft]);
  const original = useMemo(
    () => JSON.stringify(definitionOf(draftOf(latest.definition))),
    [latest],
  );
  const changed = body !== original;
  // Checked a moment after typing stops, not on every keystroke.
  const [settled] = useDebouncedValue(body, 350);
  const preview = useQuery({
    queryKey: ['health-model-preview', settled],
    queryFn: () =>
      unwrap(
        api.POST('/api/v1/health/models/preview', {
          body: { definition: JSON.parse(settled) as Record<string, unknown> },
        }),
      ),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    retry: false,
  });
  const problems = [
    ...(preview.data?.valid === false ? preview.data.problems : []),
    ...saveProblems.filter(
      (p) =>
        !(preview.data?.valid === false && preview.data.problems.some((q) => q.path === p.path)),
    ),
  ];
  const byPath = problemsByPath(problems);
  const errorAt = (path: string) =>
    byPath
      .get(path)
      ?.map((m) => messageLabel(m, draft, labelOf))
      .join('; ');

  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/health/models', {
          body: {
            definition: JSON.parse(body) as Record<string, unknown>,
            ...(note.trim() ? { note: note.trim() } : {}),
          },
        }),
      ),
    onSuccess: (saved) => {
      notifications.show({
        color: 'teal',
        message: `Saved ${saved.name} as version ${saved.version}.`,
      });
      void qc.invalidateQueries({ queryKey: ['health-models'] });
      void qc.invalidateQueries({ queryKey: ['health-model', latest.key] });
      setNote('');
      onSaved(saved.version);
    },
    onError: (err) => {
      // The server names each problem by its path: show them at their fields.
      if (err instanceof ApiError && err.issues.length > 0) setSaveProblems(err.issues);
      setSaveError(messageOf(err));
    },
  });
  const total = sumWeights(draft);
  const pending = settled !== body || preview.isFetching;
  const blocked = problems.length > 0;

  return (
    <Grid gutter="md" style={aaErrors}>
      <Grid.Col span={{ base: 12, md: 7, lg: 8 }} order={{ base: 2, md: 1 }}>
        <Stack gap="md">
          <Paper withBorder p="md" radius="md">
            <Stack gap="sm">
              <TextInput
                label="Model name"
                value={draft.name}
                onChange={(e) => {
                  const v = e.currentTarget.value;
                  edit((d) => void (d.name = v));
                }}
                error={errorAt('name')}
              />
              <Textarea
                label="Description"
                value={draft.description}
                onChange={(e) => {
                  const v = e.currentTarget.value;
                  edit((d) => void (d.description = v));
                }}
                error={errorAt('description')}
                autosize
                minRows={2}
              />
              <Text
                size="sm"
                c={Math.abs(total - 100) > 1e-9 ? 'red' : 'dimmed'}
                aria-live="polite"
              >
                Dimension weights add up to {Number(total.toFixed(4))}% (they must make 100%).
              </Text>
              {errorAt('dimensions') && (
                <Text size="sm" c="red">
                  {errorAt('dimensions')}
                </Text>
              )}
            </Stack>
          </Paper>
          <ScopeFields draft={draft} edit={edit} errorAt={errorAt} />
          <DimensionFields
            draft={draft}
            edit={edit}
            errorAt={errorAt}
            problems={problems}
            measures={measures}
          />
          <TierFields draft={draft} edit={edit} errorAt={errorAt} />
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 5, lg: 4 }} order={{ base: 1, md: 2 }}>
        <Paper
          withBorder
          p="md"
          radius="md"
          style={wide ? { position: 'sticky', top: 72 } : undefined}
        >
          <Stack gap="md">
            <PreviewPanel
              preview={preview.data}
              problems={problems}
              checking={pending}
              error={preview.isError ? messageOf(preview.error) : null}
              draft={draft}
              labelOf={labelOf}
            />
            <Title order={2} size="h4">
              Save
            </Title>
            <TextInput
              label="Note for this version"
              placeholder="Why the change, e.g. more weight on adoption"
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
              maxLength={1000}
            />
            <FormError error={saveError} />
            <Group gap="sm">
              <Button
                onClick={() => save.mutate()}
                loading={save.isPending}
                disabled={!changed || blocked}
              >
                Save as version {latest.version + 1}
              </Button>
              <Button variant="default" disabled={!changed} onClick={() => setDraft(null)}>
                Discard changes
              </Button>
            </Group>
            {!changed && (
              <Text size="sm" c="dimmed">
                No changes yet: edit a weight, band, tier or scope to preview it.
              </Text>
            )}
          </Stack>
        </Paper>
      </Grid.Col>
    </Grid>
  );
}
