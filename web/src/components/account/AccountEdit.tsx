import { Button, Menu, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconChevronDown } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, messageOf, unwrap, type Schemas } from '../../api/client';
import { STAGES, stageLabel } from '../../lib/format';
import { mayEditAccount, useUser } from '../../lib/session';
import { FormError } from '../FormError';

type Account = Schemas['Account'];
type Stage = (typeof STAGES)[number];

/** Stage changes (with a reason, kept in the stage history) and reassignment. */
export function AccountEdit({ account }: { account: Account }) {
  const user = useUser();
  const qc = useQueryClient();
  const [stageOpen, stage] = useDisclosure();
  const [ownerOpen, owner] = useDisclosure();
  const [error, setError] = useState<string | null>(null);
  const mayReassign = user.role === 'admin' || user.role === 'manager';
  const users = useQuery({
    queryKey: ['users', 'assignable'],
    queryFn: () => unwrap(api.GET('/api/v1/users')),
    enabled: ownerOpen,
  });
  const refresh = () => {
    for (const key of ['account', 'portfolio', 'timeline'])
      void qc.invalidateQueries({ queryKey: [key] });
  };
  const setStage = useMutation({
    mutationFn: (body: { stage: Stage; reason?: string }) =>
      unwrap(
        api.POST('/api/v1/accounts/{id}/stage', { params: { path: { id: account.id } }, body }),
      ),
    onSuccess: (_a, v) => {
      notifications.show({ color: 'teal', message: `Stage is now ${stageLabel(v.stage)}` });
      stage.close();
      refresh();
    },
    onError: (err) => setError(messageOf(err)),
  });
  const setOwner = useMutation({
    mutationFn: (ownerId: string | null) =>
      unwrap(
        api.PATCH('/api/v1/accounts/{id}', {
          params: { path: { id: account.id } },
          body: { ownerId },
        }),
      ),
    onSuccess: () => {
      notifications.show({ color: 'teal', message: 'Owner changed' });
      owner.close();
      refresh();
    },
    onError: (err) => setError(messageOf(err)),
  });
  if (!mayEditAccount(user, account.ownerId)) return null;

  const submitStage = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const reason = String(f.get('reason') ?? '').trim();
    setStage.mutate({ stage: String(f.get('stage')) as Stage, ...(reason ? { reason } : {}) });
  };
  const submitOwner = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const id = String(new FormData(e.currentTarget).get('owner') ?? '');
    setOwner.mutate(id || null);
  };
  const open = (which: () => void) => () => {
    setError(null);
    which();
  };
  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button variant="default" size="xs" rightSection={<IconChevronDown size={14} />}>
            Edit
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={open(stage.open)}>Change stage…</Menu.Item>
          {mayReassign && <Menu.Item onClick={open(owner.open)}>Reassign owner…</Menu.Item>}
        </Menu.Dropdown>
      </Menu>
      <Modal opened={stageOpen} onClose={stage.close} title="Change stage">
        <form onSubmit={submitStage}>
          <Stack>
            <Select
              label="Stage"
              name="stage"
              defaultValue={account.stage}
              data={STAGES.map((s) => ({ value: s, label: stageLabel(s) }))}
              allowDeselect={false}
            />
            <TextInput
              label="Reason"
              name="reason"
              description="Kept in the stage history"
              maxLength={500}
            />
            <FormError error={error} />
            <Button type="submit" loading={setStage.isPending}>
              Change stage
            </Button>
          </Stack>
        </form>
      </Modal>
      <Modal opened={ownerOpen} onClose={owner.close} title="Reassign owner">
        <form onSubmit={submitOwner}>
          <Stack>
            <Select
              label="Owner"
              name="owner"
              defaultValue={account.ownerId}
              searchable
              clearable
              data={(users.data?.items ?? [])
                .filter((u) => !u.archivedAt && u.role !== 'viewer')
                .map((u) => ({ value: u.id, label: `${u.name} (${u.role})` }))}
              placeholder={users.isPending ? 'Loading users…' : 'No owner'}
            />
            <FormError error={error} />
            <Button type="submit" loading={setOwner.isPending}>
              Reassign
            </Button>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
