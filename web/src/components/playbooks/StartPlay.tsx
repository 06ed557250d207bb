import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, messageOf, unwrap } from '../../api/client';
import { stepsText, type Playbook } from '../../lib/playbooks';
import { FormError } from '../FormError';
import { aaErrors } from '../health/styles';
import { AccountPicker, type AccountRef } from '../tasks/AccountPicker';

/** Start a playbook on an account: one task per step, for the account's owner. */
export function StartPlay({
  playbook,
  opened,
  onClose,
}: {
  playbook: Playbook;
  opened: boolean;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const [account, setAccount] = useState<AccountRef | null>(null);
  const [startOn, setStartOn] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [accountError, setAccountError] = useState<string | undefined>();
  const start = useMutation({
    mutationFn: (a: AccountRef) =>
      unwrap(
        api.POST('/api/v1/playbooks/{key}/start', {
          params: { path: { key: playbook.key } },
          body: { accountId: a.id, ...(startOn ? { startOn } : {}) },
        }),
      ),
    onSuccess: (run, a) => {
      notifications.show({
        color: 'teal',
        message: `Started ${playbook.name} on ${a.name}: ${run.progress.total} tasks for its owner.`,
      });
      void qc.invalidateQueries({ queryKey: ['playbook-runs'] });
      void qc.invalidateQueries({ queryKey: ['tasks'] });
      void qc.invalidateQueries({ queryKey: ['timeline'] });
      setAccount(null);
      setStartOn('');
      onClose();
    },
    // A play already running on the account is a 409 whose message says so.
    onError: (err) => setError(messageOf(err)),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!account) {
      setAccountError('Choose the account to start it on');
      return;
    }
    setAccountError(undefined);
    start.mutate(account);
  };
  return (
    <Modal opened={opened} onClose={onClose} title={`Start ${playbook.name}`}>
      <form onSubmit={submit} aria-label={`Start ${playbook.name} on an account`} style={aaErrors}>
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            {stepsText(playbook)}. Each step becomes a task for the account’s owner
            {playbook.steps.some((s) => s.assignTo === 'manager') ? ' (or their manager)' : ''}.
          </Text>
          <AccountPicker
            value={account}
            onChange={(a) => {
              setAccount(a);
              setAccountError(undefined);
            }}
            error={accountError}
            description="The account the play is about"
          />
          <TextInput
            label="Start on"
            type="date"
            description="Step due dates count from this day; leave empty for today"
            value={startOn}
            onChange={(e) => setStartOn(e.currentTarget.value)}
          />
          <FormError error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={start.isPending}>
              Start the play
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
