import { ActionIcon, Button, Menu, Modal, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconBookmark, IconTrash, IconUsers } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, messageOf, unwrap, type Schemas } from '../api/client';
import { viewFromParams } from '../lib/portfolio';
import { useUser } from '../lib/session';
import { FormError } from './FormError';

type SavedView = Schemas['PortfolioView'];
type ViewQuery = SavedView['query'];

/** A saved view keeps the portfolio URL's state: scope, search, filters, sort, grouping. */
export function queryOfParams(p: URLSearchParams): ViewQuery {
  const v = viewFromParams(p);
  const filters: Record<string, string[] | string> = {};
  if (v.tiers.length) filters.tier = v.tiers;
  if (v.segments.length) filters.segment = v.segments;
  if (v.stages.length) filters.stage = v.stages;
  if (v.owners.length) filters.owner = v.owners;
  if (v.renewal) filters.renewal = v.renewal;
  if (v.alertsOnly) filters.alerts = '1';
  return {
    ...(v.scope ? { scope: v.scope } : {}),
    ...(v.q ? { q: v.q } : {}),
    filters,
    sort: { field: v.sort, dir: v.dir },
    group: v.group === 'none' ? null : v.group,
  };
}

export function paramsOfQuery(q: ViewQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (q.scope) p.set('scope', q.scope);
  if (q.q) p.set('q', q.q);
  for (const [k, v] of Object.entries(q.filters ?? {}))
    p.set(k, Array.isArray(v) ? v.join(',') : v);
  if (q.sort) {
    p.set('sort', q.sort.field);
    p.set('dir', q.sort.dir);
  }
  if (q.group) p.set('group', q.group);
  return p;
}

export function SavedViews({
  current,
  onApply,
}: {
  current: URLSearchParams;
  onApply: (p: URLSearchParams) => void;
}) {
  const user = useUser();
  const qc = useQueryClient();
  const [opened, { open, close }] = useDisclosure();
  const [error, setError] = useState<string | null>(null);
  const views = useQuery({
    queryKey: ['portfolio-views'],
    queryFn: () => unwrap(api.GET('/api/v1/portfolio/views')),
  });
  const save = useMutation({
    mutationFn: (body: { name: string; shared: boolean; query: ViewQuery }) =>
      unwrap(api.POST('/api/v1/portfolio/views', { body })),
    onSuccess: (v) => {
      void qc.invalidateQueries({ queryKey: ['portfolio-views'] });
      notifications.show({ color: 'teal', message: `Saved the view “${v.name}”` });
      close();
    },
    onError: (err) => setError(messageOf(err)),
  });
  const remove = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/v1/portfolio/views/{id}', { params: { path: { id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['portfolio-views'] }),
    onError: (err) => notifications.show({ color: 'red', message: messageOf(err) }),
  });
  const canSave = user.role !== 'viewer';
  const list = views.data?.items ?? [];

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setError(null);
    save.mutate({
      name: String(form.get('name') ?? '').trim(),
      shared: form.get('shared') === 'on',
      query: queryOfParams(current),
    });
  };

  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button variant="default" leftSection={<IconBookmark size={16} />}>
            Views
          </Button>
        </Menu.Target>
        <Menu.Dropdown miw={240}>
          {list.length === 0 && <Menu.Label>No saved views yet</Menu.Label>}
          {list.map((v) => (
            <Menu.Item
              key={v.id}
              onClick={() => onApply(paramsOfQuery(v.query))}
              leftSection={
                v.shared ? <IconUsers size={14} aria-label="shared" /> : <IconBookmark size={14} />
              }
              rightSection={
                v.editable ? (
                  <ActionIcon
                    size="sm"
                    variant="subtle"
                    color="red"
                    aria-label={`Delete the view ${v.name}`}
                    onClick={(e) => {
                      e.stopPropagation();
                      remove.mutate(v.id);
                    }}
                  >
                    <IconTrash size={14} />
                  </ActionIcon>
                ) : null
              }
            >
              {v.name}
              {v.ownerId !== user.id && (
                <Text size="xs" c="dimmed">
                  by {v.ownerName}
                </Text>
              )}
            </Menu.Item>
          ))}
          {canSave && (
            <>
              <Menu.Divider />
              <Menu.Item onClick={open}>Save current view…</Menu.Item>
            </>
          )}
        </Menu.Dropdown>
      </Menu>
      <Modal opened={opened} onClose={close} title="Save this view">
        <form onSubmit={submit}>
          <Stack>
            <TextInput label="Name" name="name" required maxLength={80} data-autofocus />
            <Switch label="Share with the team" name="shared" />
            <FormError error={error} />
            <Button type="submit" loading={save.isPending}>
              Save view
            </Button>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
