import { Text } from '@mantine/core';
import { BUCKET_LABEL, type Bucket, type RenewalItem } from '../../lib/renewals';
import { useLast } from '../admin/Layout';
import { ReasonModal } from '../ReasonModal';
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
  // The last target stays on screen while the modal closes.
  const shown = useLast(target);
  const override = useOverride();
  if (!shown) return null;
  const { item, bucket } = shown;
  const rules = BUCKET_LABEL[item.override?.automatic ?? item.bucket];
  return (
    <ReasonModal
      opened={target !== null}
      title={
        bucket === null
          ? `Back to automatic: ${item.accountName}`
          : `Move ${item.accountName} to ${BUCKET_LABEL[bucket]}`
      }
      intro={
        <Text size="sm">
          {bucket === null
            ? `The rules put this renewal in ${rules} (${item.bucketReason}). Your call and its reason are kept on the account’s timeline.`
            : `The rules say ${rules} (${item.bucketReason}). Your call holds until the renewal date changes, and its reason goes on the account’s timeline.`}
        </Text>
      }
      description="Seen by your team on the card and the timeline"
      hint="Say why, in a few words (at least 3 characters)."
      submitLabel={bucket === null ? 'Back to automatic' : `Move to ${BUCKET_LABEL[bucket]}`}
      danger={false}
      pending={override.isPending}
      onClose={onClose}
      onSubmit={(reason) => override.mutateAsync({ item, bucket, reason })}
    />
  );
}
