import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDownload } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, messageOf, unwrap } from '../../api/client';
import { keyFor, type ModelVersion } from '../../lib/models';
import { Confirm } from '../admin/Confirm';
import { FormError } from '../FormError';

/** Copy a model under a new key, switched off, to edit and backtest before it scores anyone. */
function CopyModel({ latest, onClose }: { latest: ModelVersion; onClose: () => void }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState(`${latest.name} (copy)`);
  const key = keyFor(name, new Set([latest.key]), 'model');
  const copy = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/health/models', {
          body: {
            definition: { ...latest.definition, key, name: name.trim() },
            note: `copied from ${latest.key} v${latest.version}`,
            activate: false,
          },
        }),
      ),
    onSuccess: (saved) => {
      void qc.invalidateQueries({ queryKey: ['health-models'] });
      notifications.show({ color: 'teal', message: `Created ${saved.name}, switched off.` });
      onClose();
      void navigate(`/models/${encodeURIComponent(saved.key)}?tab=edit`);
    },
  });
  return (
    <Modal opened onClose={onClose} title="Copy as a new model">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          copy.mutate();
        }}
      >
        <Stack gap="sm">
          <TextInput
            label="Name of the new model"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            description={`Key: ${key}`}
            required
            data-autofocus
          />
          <Text size="sm" c="dimmed">
            The copy starts switched off: edit it, backtest it, then switch it on.
          </Text>
          <FormError error={copy.isError ? messageOf(copy.error) : null} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={copy.isPending} disabled={!name.trim()}>
              Create copy
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Download the model file; for admins, switch the model on or off and copy it. */
export function ModelActions({ latest, editor }: { latest: ModelVersion; editor: boolean }) {
  const qc = useQueryClient();
  const [asking, setAsking] = useState(false);
  const [copying, setCopying] = useState(false);
  const toggle = useMutation({
    mutationFn: () => {
      const params = { path: { key: latest.key } };
      return unwrap(
        latest.active
          ? api.POST('/api/v1/health/models/{key}/deactivate', { params })
          : api.POST('/api/v1/health/models/{key}/activate', { params }),
      );
    },
    onSuccess: (m) => {
      void qc.invalidateQueries({ queryKey: ['health-models'] });
      void qc.invalidateQueries({ queryKey: ['health-model', latest.key] });
      notifications.show({
        color: 'teal',
        message: `${m.name} is ${m.active ? 'on' : 'off'}; accounts are being rescored.`,
      });
      setAsking(false);
    },
  });
  const href = `/api/v1/health/models/${encodeURIComponent(latest.key)}/export?format=yaml`;
  return (
    <>
      <Button
        variant="default"
        component="a"
        href={href}
        download
        leftSection={<IconDownload size={16} />}
      >
        Download
      </Button>
      {editor && (
        <>
          <Button variant="default" onClick={() => setCopying(true)}>
            Copy
          </Button>
          <Button
            variant={latest.active ? 'default' : 'filled'}
            color={latest.active ? 'red' : undefined}
            onClick={() => {
              toggle.reset();
              setAsking(true);
            }}
          >
            {latest.active ? 'Switch off' : 'Switch on'}
          </Button>
        </>
      )}
      {copying && <CopyModel latest={latest} onClose={() => setCopying(false)} />}
      <Confirm
        opened={asking}
        title={latest.active ? `Switch off ${latest.name}?` : `Switch on ${latest.name}?`}
        action={latest.active ? 'Switch off' : 'Switch on'}
        color={latest.active ? 'red' : 'blue'}
        pending={toggle.isPending}
        error={toggle.isError ? messageOf(toggle.error) : null}
        onConfirm={() => toggle.mutate()}
        onClose={() => setAsking(false)}
      >
        {latest.active
          ? 'Its accounts will be scored by the next most specific active model from today on. Past scores stay as they were.'
          : 'It will score the accounts it applies to from today on, in place of any less specific model. Past scores stay as they were.'}
      </Confirm>
    </>
  );
}
