import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/**
 * A secret shown once (an API key, a webhook's signing secret). It lives only in this
 * modal's props while it is open: it is not cached, stored or put in the URL, and closing
 * the modal forgets it.
 */
export function SecretOnceModal({
  secret,
  title,
  intro,
  warning,
  copyLabel,
  testId,
  onDone,
}: {
  secret: { name: string; value: string } | null;
  title: string;
  intro: (name: string) => ReactNode;
  warning: ReactNode;
  copyLabel: string;
  testId: string;
  onDone: () => void;
}) {
  return (
    <Modal
      opened={secret !== null}
      onClose={onDone}
      title={title}
      closeOnClickOutside={false}
      size="lg"
    >
      {secret && (
        <Stack gap="sm">
          <Text size="sm">{intro(secret.name)}</Text>
          <Alert color="yellow" icon={<IconAlertTriangle size={18} />} title="Copy it now">
            {warning}
          </Alert>
          <Code
            block
            data-testid={testId}
            tabIndex={0}
            style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}
          >
            {secret.value}
          </Code>
          <Group justify="flex-end">
            <CopyButton value={secret.value}>
              {({ copied, copy }) => (
                <Button
                  variant="default"
                  leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                  onClick={copy}
                >
                  {copied ? 'Copied' : copyLabel}
                </Button>
              )}
            </CopyButton>
            <Button onClick={onDone}>Done</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
