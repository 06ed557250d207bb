import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { FormError } from '../FormError';

/** Asks before a change that cannot be taken back (or that signs someone out). */
export function Confirm({
  opened,
  title,
  children,
  action,
  pending,
  error,
  onConfirm,
  onClose,
  color = 'red',
}: {
  opened: boolean;
  title: string;
  children: ReactNode;
  action: string;
  pending: boolean;
  error: string | null;
  onConfirm: () => void;
  onClose: () => void;
  /** Red for what cannot be undone; another colour for a change that can. */
  color?: string;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <Stack gap="sm">
        <Text size="sm">{children}</Text>
        <FormError error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color={color} onClick={onConfirm} loading={pending}>
            {action}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
