import { Button, FileButton, Group, Stack, Text } from '@mantine/core';
import { IconFileSpreadsheet, IconUpload } from '@tabler/icons-react';
import { useState, type DragEvent } from 'react';

export const ACCEPT = '.csv,.tsv,.txt,text/csv,text/plain,text/tab-separated-values';

/**
 * A zone a CSV can be dropped on, with a button for the keyboard and for phones (Mantine's
 * Dropzone is not installed; plain drag events do the same).
 */
export function FileDrop({
  onFile,
  loading,
  disabled,
}: {
  onFile: (file: File) => void;
  loading: boolean;
  disabled?: boolean;
}) {
  const [over, setOver] = useState(false);
  const hasFiles = (e: DragEvent) => [...e.dataTransfer.types].includes('Files');
  return (
    <Stack
      data-testid="file-drop"
      align="center"
      justify="center"
      gap="xs"
      p="xl"
      onDragEnter={(e) => {
        if (!hasFiles(e) || disabled) return;
        e.preventDefault();
        setOver(true);
      }}
      onDragOver={(e) => {
        // Without preventDefault the browser opens the file instead of dropping it here.
        if (!hasFiles(e) || disabled) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const file = e.dataTransfer.files[0];
        if (file && !disabled) onFile(file);
      }}
      style={{
        border: `2px dashed ${over ? 'var(--mantine-primary-color-filled)' : 'var(--mantine-color-default-border)'}`,
        borderRadius: 'var(--mantine-radius-md)',
        background: over ? 'var(--mantine-primary-color-light)' : undefined,
        transition: 'background 120ms, border-color 120ms',
        minHeight: 180,
        textAlign: 'center',
      }}
    >
      <IconFileSpreadsheet size={36} stroke={1.5} aria-hidden />
      <Text fw={600}>{over ? 'Drop the file to check it' : 'Drag a CSV file here'}</Text>
      <Text size="sm" c="dimmed">
        Comma, semicolon or tab separated; UTF-8, UTF-16 or Latin-1; up to 50 MB.
      </Text>
      <Group>
        <FileButton onChange={(f) => f && onFile(f)} accept={ACCEPT} disabled={disabled}>
          {(props) => (
            <Button {...props} leftSection={<IconUpload size={16} />} loading={loading}>
              Choose a file
            </Button>
          )}
        </FileButton>
      </Group>
    </Stack>
  );
}
