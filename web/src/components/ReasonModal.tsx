import { Button, Group, Modal, Stack, Textarea } from '@mantine/core';
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, messageOf } from '../api/client';
import { FormError } from './FormError';

/**
 * Asks why before a decision that needs a reason (a quote or an opportunity lost, a
 * renewal moved to another bucket). The server's complaint about the reason field shows
 * under it; anything else as a form error.
 */
export function ReasonModal({
  opened,
  title,
  intro,
  description,
  hint,
  submitLabel,
  danger = true,
  pending,
  reasonField = 'reason',
  onClose,
  onSubmit,
}: {
  opened: boolean;
  title: string;
  intro?: ReactNode;
  /** Under the reason's label: who will read it. */
  description?: string;
  /** Shown when the reason is too short. */
  hint: string;
  submitLabel: string;
  /** A red button for a decision that loses something (the default); else the plain one. */
  danger?: boolean;
  pending: boolean;
  /** The request field the server names when it refuses the reason. */
  reasonField?: string;
  onClose: () => void;
  /** Resolves when saved (the modal then closes); rejects with the server's error. */
  onSubmit: (reason: string) => Promise<unknown>;
}) {
  const [reason, setReason] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (opened) {
      setReason('');
      setFieldError(null);
      setError(null);
    }
  }, [opened]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim().length < 3) {
      setFieldError(hint);
      return;
    }
    setFieldError(null);
    onSubmit(reason.trim()).then(onClose, (err: unknown) => {
      const at =
        err instanceof ApiError ? err.issues.find((i) => i.path.endsWith(reasonField)) : null;
      if (at) setFieldError(at.message);
      else setError(messageOf(err));
    });
  };
  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <form onSubmit={submit} aria-label={title} noValidate>
        <Stack gap="sm">
          {intro}
          <Textarea
            label="Reason"
            description={description}
            required
            autosize
            minRows={2}
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={fieldError}
            data-autofocus
          />
          <FormError error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color={danger ? 'red' : undefined} loading={pending}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
