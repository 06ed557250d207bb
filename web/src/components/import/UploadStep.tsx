import { Anchor, Group, Radio, SimpleGrid, Stack, Text } from '@mantine/core';
import { KINDS, type ImportKind } from '../../lib/import';
import { FormError } from '../FormError';
import { FileDrop } from './FileDrop';

/** Step one: what the file holds, and the file. */
export function UploadStep({
  kind,
  onKind,
  onFile,
  loading,
  error,
}: {
  kind: ImportKind;
  onKind: (kind: ImportKind) => void;
  onFile: (file: File) => void;
  loading: boolean;
  error: string | null;
}) {
  const chosen = KINDS.find((k) => k.value === kind)!;
  return (
    <Stack gap="md">
      <Radio.Group
        value={kind}
        onChange={(v) => onKind(v as ImportKind)}
        label="What does the file hold?"
        description="Each kind is matched to what Tenure already has, so importing the same file twice changes nothing."
      >
        <SimpleGrid cols={{ base: 1, xs: 2, md: 5 }} spacing="sm" mt="xs">
          {KINDS.map((k) => (
            <Radio.Card key={k.value} value={k.value} p="sm" radius="md" disabled={loading}>
              <Group wrap="nowrap" align="flex-start" gap="sm">
                <Radio.Indicator mt={2} />
                <div>
                  <Text fw={600} size="sm">
                    {k.label}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {k.hint}
                  </Text>
                </div>
              </Group>
            </Radio.Card>
          ))}
        </SimpleGrid>
      </Radio.Group>
      <FileDrop onFile={onFile} loading={loading} />
      <FormError error={error} />
      <Text size="sm" c="dimmed">
        Uploading checks every row without changing anything; you apply it once the report is clean.
        {chosen.export && (
          <>
            {' '}
            To start from the columns Tenure reads,{' '}
            <Anchor href={`/api/v1/${chosen.value}/export.csv`} download underline="always">
              download your current {chosen.label.toLowerCase()} as CSV
            </Anchor>
            .
          </>
        )}
      </Text>
    </Stack>
  );
}
