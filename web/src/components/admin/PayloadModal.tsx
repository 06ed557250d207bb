import { Button, Code, Group, JsonInput, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, messageOf, unwrap, type Schemas } from '../../api/client';
import { FormError } from '../FormError';
import { useLast } from './Layout';

type DeadLetter = Schemas['DeadLetter'];
export type Outcome = {
  id: string;
  status: 'accepted' | 'duplicate' | 'rejected';
  reason?: string;
};

const pretty = (payload: unknown) =>
  typeof payload === 'string' ? payload : JSON.stringify(payload, null, 2);

/** A refused event's payload: read it, or (admins, open letters) correct it and replay it. */
export function PayloadModal({
  letter: current,
  admin,
  onClose,
  onReplayed,
}: {
  letter: DeadLetter | null;
  admin: boolean;
  onClose: () => void;
  onReplayed: (items: Outcome[]) => void;
}) {
  const qc = useQueryClient();
  const letter = useLast(current);
  const editable = admin && letter?.status === 'open';
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  // Each opening starts from the stored payload, not from an edit that was cancelled.
  useEffect(() => {
    if (!current) return;
    setText(pretty(current.payload));
    setError(null);
  }, [current]);
  const fix = useMutation({
    mutationFn: async ({ id, payload }: { id: string; payload: Record<string, unknown> }) => {
      await unwrap(
        api.PATCH('/api/v1/ingest/dead-letters/{id}', {
          params: { path: { id } },
          body: { payload },
        }),
      );
      return unwrap(api.POST('/api/v1/ingest/dead-letters/replay', { body: { ids: [id] } }));
    },
    onSuccess: (r) => onReplayed(r.items),
    onError: (err) => setError(messageOf(err)),
    onSettled: () => qc.invalidateQueries({ queryKey: ['ingest'] }),
  });
  const save = () => {
    if (!letter) return;
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      return setError('The payload is not valid JSON. Check the quotes and commas.');
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
      return setError('The payload must be one JSON object, as the sender would send it.');
    fix.mutate({ id: letter.id, payload: payload as Record<string, unknown> });
  };
  return (
    <Modal
      opened={current !== null}
      onClose={onClose}
      title={editable ? 'Fix and replay a refused event' : 'Refused event'}
      size="lg"
    >
      {letter && (
        <Stack gap="sm">
          <Text size="sm">
            <b>Why it was refused:</b> {letter.reason}
          </Text>
          {editable ? (
            <>
              {/* Not reformatted on blur: the box would change size under a click on "Save". */}
              <JsonInput
                label="Payload"
                description="Correct the event as the sender should have sent it, then replay it."
                value={text}
                onChange={setText}
                autosize
                minRows={8}
                maxRows={20}
                validationError="Not valid JSON"
              />
              <FormError error={error} />
              <Group justify="flex-end">
                <Button variant="default" onClick={onClose}>
                  Cancel
                </Button>
                <Button onClick={save} loading={fix.isPending}>
                  Save and replay
                </Button>
              </Group>
            </>
          ) : (
            <Code block tabIndex={0} style={{ overflowX: 'auto' }}>
              {pretty(letter.payload)}
            </Code>
          )}
        </Stack>
      )}
    </Modal>
  );
}
