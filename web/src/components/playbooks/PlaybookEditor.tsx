import {
  ActionIcon,
  Alert,
  Button,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowDown, IconArrowUp, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, messageOf, unwrap } from '../../api/client';
import {
  CATEGORIES,
  definitionOf,
  draftOf,
  emptyStep,
  issuesByPath,
  keyFromName,
  move,
  type Category,
  type Playbook,
  type PlaybookDraft,
  type StepDraft,
} from '../../lib/playbooks';
import { PRIORITIES } from '../../lib/tasks';
import { aaErrors } from '../health/styles';

const ASSIGN = [
  { value: 'owner', label: 'The account owner' },
  { value: 'manager', label: 'The owner’s manager' },
];

function StepFields({
  step,
  index,
  count,
  issue,
  onChange,
  onMove,
  onRemove,
}: {
  step: StepDraft;
  index: number;
  count: number;
  issue: (field: string) => string | undefined;
  onChange: (patch: Partial<StepDraft>) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const n = index + 1;
  const at = (f: string) => issue(`steps.${index}.${f}`);
  return (
    <Paper withBorder radius="md" p="sm" data-testid="step-editor">
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Text fw={600} size="sm">
            Step {n}
          </Text>
          <Group gap={4} wrap="nowrap">
            <ActionIcon
              variant="subtle"
              color="gray"
              aria-label={`Move step ${n} up`}
              disabled={index === 0}
              onClick={() => onMove(-1)}
            >
              <IconArrowUp size={16} />
            </ActionIcon>
            <ActionIcon
              variant="subtle"
              color="gray"
              aria-label={`Move step ${n} down`}
              disabled={index === count - 1}
              onClick={() => onMove(1)}
            >
              <IconArrowDown size={16} />
            </ActionIcon>
            <ActionIcon
              variant="subtle"
              color="red"
              aria-label={`Remove step ${n}`}
              disabled={count === 1}
              onClick={onRemove}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        </Group>
        {issue(`steps.${index}`) && (
          <Text size="sm" c="red">
            {issue(`steps.${index}`)}
          </Text>
        )}
        <TextInput
          label={`Step ${n} title`}
          value={step.title}
          onChange={(e) => onChange({ title: e.currentTarget.value })}
          error={at('title')}
        />
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs">
          <TextInput
            label={`Step ${n} due after (days)`}
            inputMode="numeric"
            value={step.dueAfterDays}
            onChange={(e) => onChange({ dueAfterDays: e.currentTarget.value })}
            error={at('dueAfterDays')}
          />
          <Select
            label={`Step ${n} assigned to`}
            data={ASSIGN}
            value={step.assignTo}
            allowDeselect={false}
            onChange={(v) => v && onChange({ assignTo: v as StepDraft['assignTo'] })}
            error={at('assignTo')}
          />
          <Select
            label={`Step ${n} priority`}
            data={PRIORITIES}
            value={step.priority}
            allowDeselect={false}
            onChange={(v) => v && onChange({ priority: v as StepDraft['priority'] })}
            error={at('priority')}
          />
        </SimpleGrid>
        <Textarea
          label={`Step ${n} details`}
          autosize
          minRows={1}
          value={step.description}
          onChange={(e) => onChange({ description: e.currentTarget.value })}
          error={at('description')}
        />
        <Switch
          label={`Step ${n} has an email template`}
          checked={step.withEmail}
          onChange={(e) => onChange({ withEmail: e.currentTarget.checked })}
        />
        {step.withEmail && (
          <>
            <TextInput
              label={`Step ${n} email subject`}
              value={step.subject}
              onChange={(e) => onChange({ subject: e.currentTarget.value })}
              error={at('email.subject') ?? at('email')}
            />
            <Textarea
              label={`Step ${n} email body`}
              description="{{account.name}}, {{contact.first_name}} and {{owner.name}} are filled in"
              autosize
              minRows={3}
              value={step.body}
              onChange={(e) => onChange({ body: e.currentTarget.value })}
              error={at('email.body')}
            />
          </>
        )}
      </Stack>
    </Paper>
  );
}

/**
 * A playbook as a form (steps added, removed and reordered); the server checks it on save and
 * every problem shows at its field and in a list by its path.
 */
export function PlaybookEditor({
  playbook,
  onSaved,
  onCancel,
}: {
  playbook: Playbook | null;
  onSaved: (p: Playbook) => void;
  onCancel: () => void;
}) {
  const qc = useQueryClient();
  const [draft, setDraft] = useState<PlaybookDraft>(() => draftOf(playbook));
  const [keyTouched, setKeyTouched] = useState(playbook !== null);
  const [issues, setIssues] = useState<{ path: string; message: string }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const byPath = issuesByPath(issues);
  const issue = (p: string) => byPath.get(p);
  const save = useMutation({
    mutationFn: (d: PlaybookDraft) =>
      unwrap(api.POST('/api/v1/playbooks', { body: definitionOf(d) })),
    onSuccess: (p) => {
      notifications.show({ color: 'teal', message: `Saved ${p.name} (version ${p.version}).` });
      setIssues([]);
      setError(null);
      void qc.invalidateQueries({ queryKey: ['playbooks'] });
      onSaved(p);
    },
    onError: (err) => {
      setIssues(err instanceof ApiError ? err.issues : []);
      setError(messageOf(err));
    },
  });
  const set = (patch: Partial<PlaybookDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const setStep = (i: number, patch: Partial<StepDraft>) =>
    setDraft((d) => ({ ...d, steps: d.steps.map((s, j) => (j === i ? { ...s, ...patch } : s)) }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(draft);
  };

  return (
    <form
      onSubmit={submit}
      aria-label={playbook ? `Edit ${playbook.name}` : 'New playbook'}
      style={aaErrors}
    >
      <Stack gap="md">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput
            label="Name"
            value={draft.name}
            onChange={(e) => {
              const name = e.currentTarget.value;
              set(keyTouched ? { name } : { name, key: keyFromName(name) });
            }}
            error={issue('name')}
          />
          <TextInput
            label="Key"
            description={
              playbook ? 'The key names the playbook; it cannot change' : 'Used by rules and files'
            }
            value={draft.key}
            readOnly={playbook !== null}
            onChange={(e) => {
              setKeyTouched(true);
              set({ key: e.currentTarget.value });
            }}
            error={issue('key')}
          />
          <Select
            label="Category"
            data={CATEGORIES}
            value={draft.category}
            allowDeselect={false}
            onChange={(v) => v && set({ category: v as Category })}
            error={issue('category')}
          />
        </SimpleGrid>
        <Textarea
          label="Description"
          autosize
          minRows={2}
          value={draft.description}
          onChange={(e) => set({ description: e.currentTarget.value })}
          error={issue('description')}
        />
        <Title order={2} size="h4">
          Steps
        </Title>
        {issue('steps') && (
          <Text size="sm" c="red">
            {issue('steps')}
          </Text>
        )}
        {draft.steps.map((s, i) => (
          <StepFields
            // Steps have no id of their own; the position is what the form edits.
            key={i}
            step={s}
            index={i}
            count={draft.steps.length}
            issue={issue}
            onChange={(patch) => setStep(i, patch)}
            onMove={(by) => set({ steps: move(draft.steps, i, by) })}
            onRemove={() => set({ steps: draft.steps.filter((_, j) => j !== i) })}
          />
        ))}
        <Group>
          <Button
            variant="light"
            leftSection={<IconPlus size={16} />}
            onClick={() => set({ steps: [...draft.steps, emptyStep()] })}
          >
            Add a step
          </Button>
        </Group>
        {error && (
          <Alert color="red" role="alert" title="The playbook was not saved">
            <Text size="sm">{error}</Text>
            {issues.length > 1 && (
              <ul data-testid="playbook-issues" style={{ margin: '4px 0 0', paddingLeft: 18 }}>
                {issues.map((i) => (
                  <li key={`${i.path}:${i.message}`}>
                    <Text size="sm">
                      {i.path || 'playbook'}: {i.message}
                    </Text>
                  </li>
                ))}
              </ul>
            )}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            Save playbook
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
