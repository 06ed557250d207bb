import {
  Alert,
  Anchor,
  Button,
  Group,
  List,
  Paper,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, ApiError, messageOf, unwrap } from '../../api/client';
import { issuePath } from '../../lib/playbooks';
import { aaErrors } from '../health/styles';
import { describeRule, parseRule, toJson, type Rule, type RuleDefinition } from '../../lib/rules';

type Issue = { path: string; message: string };

function Problems({ title, message, issues }: { title: string; message: string; issues: Issue[] }) {
  return (
    <Alert color="red" role="alert" title={title}>
      <Text size="sm">{message}</Text>
      {issues.length > 0 && (
        <List size="sm" mt={4} data-testid="rule-issues">
          {issues.map((i) => (
            <List.Item key={`${i.path}:${i.message}`}>
              <Text span size="sm" ff="monospace">
                {issuePath(i.path) || 'rule'}
              </Text>
              : {i.message}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}

/**
 * A rule as JSON (docs/rules.md): previewed against the accounts as they are now, and saved
 * as the rule's next version; the server's problems are listed by their path.
 */
export function RuleEditor({
  rule,
  initial,
  onSaved,
  onCancel,
}: {
  rule: Rule | null;
  initial: RuleDefinition;
  onSaved: (r: Rule) => void;
  onCancel: () => void;
}) {
  const qc = useQueryClient();
  const [text, setText] = useState(() => toJson(initial));
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<{
    title: string;
    message: string;
    issues: Issue[];
  } | null>(null);
  const parsed = parseRule(text);
  const words = parsed.ok ? describeRule(parsed.definition as RuleDefinition) : null;
  const fail = (title: string) => (err: unknown) =>
    setProblem({
      title,
      message: messageOf(err),
      issues: err instanceof ApiError ? err.issues : [],
    });

  const preview = useMutation({
    mutationFn: (definition: Record<string, unknown>) =>
      unwrap(api.POST('/api/v1/rules/preview', { body: { definition } })),
    onSuccess: () => setProblem(null),
    onError: fail('The preview could not run'),
  });
  const save = useMutation({
    mutationFn: (definition: Record<string, unknown>) =>
      unwrap(
        api.POST('/api/v1/rules', {
          body: { definition, ...(note.trim() ? { note: note.trim() } : {}) },
        }),
      ),
    onSuccess: (r) => {
      notifications.show({
        color: 'teal',
        message: `Saved ${r.name} as version ${r.version}${r.active ? '' : '; switch it on when you are ready'}.`,
      });
      setProblem(null);
      void qc.invalidateQueries({ queryKey: ['rules'] });
      onSaved(r);
    },
    onError: fail('The rule was not saved'),
  });
  const withJson = (run: (d: Record<string, unknown>) => void) => {
    if (!parsed.ok) {
      setProblem({ title: 'Check the JSON', message: parsed.message, issues: [] });
      return;
    }
    run(parsed.definition);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    withJson((d) => save.mutate(d));
  };

  return (
    <form onSubmit={submit} aria-label={rule ? `Edit ${rule.name}` : 'New rule'} style={aaErrors}>
      <Stack gap="sm">
        <Textarea
          label="Rule (JSON)"
          description="when, conditions and then, as docs/rules.md describes"
          autosize
          minRows={12}
          maxRows={30}
          spellCheck={false}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
          value={text}
          onChange={(e) => {
            setText(e.currentTarget.value);
            preview.reset();
          }}
          error={parsed.ok ? undefined : parsed.message}
        />
        {words && (
          <Paper withBorder radius="md" p="sm" data-testid="rule-words">
            <Text size="sm" fw={600}>
              {words.when}
            </Text>
            {words.conditions.map((c) => (
              <Text size="sm" key={c}>
                and {c}
              </Text>
            ))}
            {words.then.map((a) => (
              <Text size="sm" key={a}>
                → {a}
              </Text>
            ))}
          </Paper>
        )}
        <TextInput
          label="Note"
          description="What changed, kept with the version"
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
        />
        {problem && <Problems {...problem} />}
        {preview.data && (
          <Paper withBorder radius="md" p="sm" data-testid="rule-preview">
            <Title order={3} size="h5">
              {preview.data.total === 0
                ? 'It would act on no account right now'
                : `It would act on ${preview.data.total} account${preview.data.total === 1 ? '' : 's'} right now`}
            </Title>
            {preview.data.accounts.length > 0 && (
              <List size="sm" mt={4}>
                {preview.data.accounts.slice(0, 10).map((a) => (
                  <List.Item key={a.id}>
                    <Anchor component={Link} to={`/accounts/${a.id}`} size="sm">
                      {a.name}
                    </Anchor>{' '}
                    <Text span size="sm" c="dimmed">
                      {a.reason}
                    </Text>
                  </List.Item>
                ))}
              </List>
            )}
          </Paper>
        )}
        <Group justify="flex-end" wrap="wrap">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button
            variant="light"
            loading={preview.isPending}
            onClick={() => withJson((d) => preview.mutate(d))}
          >
            Preview
          </Button>
          <Button type="submit" loading={save.isPending}>
            Save rule
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
