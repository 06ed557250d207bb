import { Button, Code, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, messageOf, unwrap, type Schemas } from '../../api/client';
import { FormError } from '../FormError';
import { SecretOnceModal } from './SecretOnce';

type ApiKey = Schemas['ApiKey'];
type Scope = ApiKey['scope'];

export const SCOPES: { value: Scope; label: string; help: string }[] = [
  { value: 'read', label: 'Read', help: 'Reads accounts, tasks, users and settings.' },
  { value: 'write', label: 'Write', help: 'Reads, and changes accounts and tasks; imports.' },
  { value: 'admin', label: 'Admin', help: 'Everything, including users, keys and the audit log.' },
  {
    value: 'ingest',
    label: 'Ingest',
    help: 'A Segment/RudderStack write key: sends product events to /v1, reads nothing.',
  },
];

const EXPIRIES = [
  { value: 'never', label: 'Never' },
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In a year' },
];

function SecretModal({
  secret,
  onDone,
}: {
  secret: { name: string; value: string } | null;
  onDone: () => void;
}) {
  return (
    <SecretOnceModal
      secret={secret}
      title="Your new API key"
      intro={(name) => `Key “${name}” is ready. Copy it into the system that will use it.`}
      warning="This is the only time the key is shown. Tenure keeps only a hash of it, so it cannot be shown again; if it is lost, revoke it and make a new one."
      copyLabel="Copy key"
      testId="new-key-secret"
      onDone={onDone}
    />
  );
}

export function CreateKeyModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const [scope, setScope] = useState<Scope>('read');
  const [expiry, setExpiry] = useState('never');
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const create = useMutation({
    mutationFn: (body: { name: string; scope: Scope; expiresAt: string | null }) =>
      unwrap(api.POST('/api/v1/keys', { body })),
    // Not kept in the mutation cache: the answer holds the secret.
    gcTime: 0,
    onSuccess: (r) => {
      setSecret({ name: r.key.name, value: r.secret });
      create.reset();
      setError(null);
      onClose();
      void qc.invalidateQueries({ queryKey: ['keys'] });
    },
    onError: (err) => setError(messageOf(err)),
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget).get('name')).trim();
    const expiresAt =
      expiry === 'never' ? null : new Date(Date.now() + Number(expiry) * 864e5).toISOString();
    create.mutate({ name, scope, expiresAt });
  };
  const close = () => {
    setError(null);
    onClose();
  };
  return (
    <>
      <Modal opened={opened} onClose={close} title="Create an API key">
        <form onSubmit={submit} aria-label="Create an API key">
          <Stack gap="sm">
            <TextInput
              label="Name"
              name="name"
              description="What it is for, e.g. “Segment production”"
              required
              autoComplete="off"
            />
            <Select
              label="Scope"
              data={SCOPES}
              value={scope}
              onChange={(v) => v && setScope(v as Scope)}
              allowDeselect={false}
              description={SCOPES.find((s) => s.value === scope)?.help}
            />
            <Select
              label="Expires"
              data={EXPIRIES}
              value={expiry}
              onChange={(v) => v && setExpiry(v)}
              allowDeselect={false}
            />
            <FormError error={error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create key
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <SecretModal secret={secret} onDone={() => setSecret(null)} />
    </>
  );
}

export function keyStatus(k: ApiKey, now = Date.now()): 'active' | 'revoked' | 'expired' {
  if (k.revokedAt) return 'revoked';
  if (k.expiresAt && Date.parse(k.expiresAt) <= now) return 'expired';
  return 'active';
}

export function ScopeHelp() {
  return (
    <Text size="xs" c="dimmed">
      Keys act for an integration, not a person. Send them as <Code>Authorization: Bearer …</Code>;
      ingest keys as the HTTP Basic user name, as Segment does.
    </Text>
  );
}
