import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, messageOf } from '../../api/client';
import { BUCKET_LABEL, type Bucket, type RenewalItem } from '../../lib/renewals';
import { useLast } from '../admin/Layout';
import { FormError } from '../FormError';
import { useOverride } from './hooks';

export interface OverrideTarget {
  item: RenewalItem;
  /** The bucket asked for; null returns the renewal to its automatic bucket. */
  bucket: Bucket | null;
}

/** Asks why before a renewal changes bucket (or goes back to automatic), then saves it. */
export function OverrideModal({
  target,
  onClose,
}: {
  target: OverrideTarget | null;
  onClose: () => void;
}) {
  const shown = useLast(target);
  const override = useOverride();
  const [reason, setReason] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (target) {
      setReason('');
      setFieldError(null);
      setError(null);
    }
  }, [target]);
  if (!shown) return null;
  const { item, bucket } = shown;
  const rules = BUCKET_LABEL[item.override?.automatic ?? item.bucket];
  const title =
    bucket === null
      ? `Back to automatic: ${item.accountName}`
      : `Move ${item.accountName} to ${BUCKET_LABEL[bucket]}`;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim().length < 3) {
      setFieldError('Say why, in a few words (at least 3 characters).');
      return;
    }
    setFieldError(null);
    override.mutate(
      { item, bucket, reason: reason.trim() },
      {
        onSuccess: onClose,
        onError: (err) => {
          const atReason =
            err instanceof ApiError ? err.issues.find((i) => i.path.endsWith('reason')) : undefined;
          if (atReason) setFieldError(atReason.message);
          else setError(messageOf(err));
        },
      },
    );
  };
  return (
    <Modal opened={target !== null} onClose={onClose} title={title}>
      <form onSubmit={submit} aria-label={title} noValidate>
        <Stack gap="sm">
          <Text size="sm">
            {bucket === null
              ? `The rules put this renewal in ${rules} (${item.bucketReason}). Your call and its reason are kept on the account’s timeline.`
              : `The rules say ${rules} (${item.bucketReason}). Your call holds until the renewal date changes, and its reason goes on the account’s timeline.`}
          </Text>
          <Textarea
            label="Reason"
            description="Seen by your team on the card and the timeline"
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
            <Button type="submit" loading={override.isPending}>
              {bucket === null ? 'Back to automatic' : `Move to ${BUCKET_LABEL[bucket]}`}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
