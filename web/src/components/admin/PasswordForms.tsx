import {
  ActionIcon,
  Button,
  CopyButton,
  Group,
  Modal,
  PasswordInput,
  Stack,
  Text,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, messageOf, unwrap, type Schemas } from '../../api/client';
import { FormError } from '../FormError';
import { useLast } from './Layout';

type User = Schemas['User'];

/** 20 random letters and digits: long enough for the server's rule, never a common password. */
function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

/** A new password for someone else: typed or generated, shown, and copied to pass on. */
export function NewPasswordField({
  value,
  onChange,
  description,
  required = false,
}: {
  value: string;
  onChange: (v: string) => void;
  description: string;
  required?: boolean;
}) {
  const [visible, setVisible] = useState(false);
  return (
    <Stack gap={4}>
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <PasswordInput
          label="Password"
          description={description}
          value={value}
          onChange={(e) => onChange(e.currentTarget.value)}
          visible={visible}
          onVisibilityChange={setVisible}
          autoComplete="new-password"
          required={required}
          style={{ flex: 1 }}
        />
        <CopyButton value={value}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? 'Copied' : 'Copy the password'}>
              <ActionIcon
                variant="default"
                size="lg"
                aria-label="Copy the password"
                onClick={copy}
                disabled={!value}
                mb={1}
              >
                {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
      </Group>
      <Button
        variant="subtle"
        size="compact-sm"
        onClick={() => {
          onChange(generatePassword());
          setVisible(true);
        }}
        style={{ alignSelf: 'flex-start' }}
      >
        Generate a password
      </Button>
    </Stack>
  );
}

/** Set a new password for a user who lost theirs; their sessions end. */
export function ResetPasswordModal({ user, onClose }: { user: User | null; onClose: () => void }) {
  const qc = useQueryClient();
  const shown = useLast(user);
  const [password, setPassword] = useState('');
  const close = () => {
    setPassword('');
    reset.reset();
    onClose();
  };
  const reset = useMutation({
    mutationFn: (id: string) =>
      unwrap(
        api.POST('/api/v1/users/{id}/password', { params: { path: { id } }, body: { password } }),
      ),
    onSuccess: (u) => {
      notifications.show({
        color: 'teal',
        message: `Set a new password for ${u.name}; they were signed out everywhere.`,
      });
      void qc.invalidateQueries({ queryKey: ['users'] });
      close();
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (shown) reset.mutate(shown.id);
  };
  return (
    <Modal opened={user !== null} onClose={close} title={`New password for ${shown?.name ?? ''}`}>
      <form onSubmit={submit} aria-label="Set a new password">
        <Stack gap="sm">
          <Text size="sm">
            They are signed out everywhere and sign in with this password from now on. Give it to
            them over a private channel; they can change it on their profile.
          </Text>
          <NewPasswordField
            value={password}
            onChange={setPassword}
            description="At least 12 characters."
            required
          />
          <FormError error={reset.isError ? messageOf(reset.error) : null} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={reset.isPending} disabled={!password}>
              Set password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
