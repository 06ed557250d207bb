import { Button, FileInput, Group, List, Modal, Stack, Switch, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconUpload } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, ApiError, messageOf, unwrap } from '../../api/client';
import { FormError } from '../FormError';

const MAX_BYTES = 256 * 1024;

/** Save a model from a YAML or JSON file (one kept in version control, or exported here). */
function ImportModal({ onClose }: { onClose: () => void }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [file, setFile] = useState<File | null>(null);
  const [activate, setActivate] = useState(false);
  const save = useMutation({
    mutationFn: async () => {
      if (!file) throw new Error('Choose a model file first.');
      if (file.size > MAX_BYTES) throw new Error('That file is over 256 KB: is it a model file?');
      const text = await file.text();
      const format = /\.json$/i.test(file.name) ? ('json' as const) : undefined;
      return unwrap(
        api.POST('/api/v1/health/models/import', {
          body: { text, activate, note: `imported from ${file.name}`, ...(format && { format }) },
        }),
      );
    },
    onSuccess: (m) => {
      void qc.invalidateQueries({ queryKey: ['health-models'] });
      void qc.invalidateQueries({ queryKey: ['health-model', m.key] });
      notifications.show({ color: 'teal', message: `Saved ${m.name} as version ${m.version}.` });
      onClose();
      void navigate(`/models/${encodeURIComponent(m.key)}`);
    },
  });
  const issues = save.error instanceof ApiError ? save.error.issues : [];
  return (
    <Modal opened onClose={onClose} title="Import a model file">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            A file with a new key adds a model; one with an existing key becomes its next version.
          </Text>
          <FileInput
            label="Model file (YAML or JSON)"
            placeholder="Choose a file"
            accept=".yaml,.yml,.json,application/yaml,application/json,text/yaml"
            value={file}
            onChange={(f) => {
              save.reset();
              setFile(f);
            }}
            leftSection={<IconUpload size={16} />}
            clearable
          />
          <Switch
            label="Switch it on once saved"
            checked={activate}
            onChange={(e) => setActivate(e.currentTarget.checked)}
          />
          <FormError error={save.isError ? messageOf(save.error) : null} />
          {issues.length > 0 && (
            <List size="sm" spacing={2} aria-label="Problems in the file">
              {issues.map((p, i) => (
                <List.Item key={i}>
                  <Text span ff="monospace" size="sm">
                    {p.path || 'file'}
                  </Text>
                  : {p.message}
                </List.Item>
              ))}
            </List>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending} disabled={!file}>
              Import
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function ImportModel() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        variant="default"
        leftSection={<IconUpload size={16} />}
        onClick={() => setOpen(true)}
      >
        Import a file
      </Button>
      {open && <ImportModal onClose={() => setOpen(false)} />}
    </>
  );
}
