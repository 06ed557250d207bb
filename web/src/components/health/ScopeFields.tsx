import { Fieldset, MultiSelect, Stack, TagsInput, Text } from '@mantine/core';
import { STAGES, stageLabel } from '../../lib/format';
import type { Draft } from '../../lib/models';
import type { Edit } from './DraftFields';

type Scope = NonNullable<Draft['appliesTo']>;
type Stage = NonNullable<Scope['stages']>[number];

/** Drop an emptied list: an absent list means "every", an empty one is refused. */
function withList<K extends keyof Scope>(d: Draft, key: K, list: Scope[K] | undefined): void {
  const next: Scope = { ...d.appliesTo };
  if (list && list.length > 0) next[key] = list;
  else delete next[key];
  d.appliesTo = Object.keys(next).length > 0 ? next : undefined;
}

/** Who the model scores: segments and lifecycle stages; empty means every account. */
export function ScopeFields({
  draft,
  edit,
  errorAt,
}: {
  draft: Draft;
  edit: Edit;
  errorAt: (path: string) => string | undefined;
}) {
  const scope = draft.appliesTo ?? {};
  return (
    <Fieldset legend="Applies to" radius="md">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          Leave both empty to score every account. An account is scored by the most specific active
          model that applies to it.
        </Text>
        <TagsInput
          label="Segments"
          description="Type a segment and press Enter"
          placeholder={scope.segments?.length ? undefined : 'Every segment'}
          value={scope.segments ?? []}
          onChange={(v) => edit((d) => withList(d, 'segments', v))}
          error={errorAt('appliesTo.segments') ?? errorAt('appliesTo')}
          clearable
          maxTags={50}
        />
        <MultiSelect
          label="Lifecycle stages"
          placeholder={scope.stages?.length ? undefined : 'Every stage'}
          data={STAGES.map((s) => ({ value: s, label: stageLabel(s) }))}
          value={scope.stages ?? []}
          onChange={(v) => edit((d) => withList(d, 'stages', v as Stage[]))}
          error={errorAt('appliesTo.stages')}
          clearable
        />
      </Stack>
    </Fieldset>
  );
}
