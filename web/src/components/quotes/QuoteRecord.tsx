import { Button, Group, Paper, Text, Timeline, Title } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { relative } from '../../lib/format';
import type { QuoteDetail } from '../../lib/renewals';
import { useActorName } from '../renewals/hooks';

const ACTION_WORD: Record<string, string> = {
  created: 'Drafted',
  edited: 'Changed',
  sent: 'Sent',
  signed: 'Signed',
  lost: 'Lost',
};

/** What happened to the quote, oldest first, with who did it and their note. */
export function QuoteHistory({ quote }: { quote: QuoteDetail }) {
  const who = useActorName();
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={2} size="h4" mb="sm">
        History
      </Title>
      <Timeline bulletSize={12} lineWidth={2} data-testid="quote-history">
        {quote.history.map((h, i) => (
          <Timeline.Item
            key={`${h.at}-${i}`}
            title={
              <Text size="sm" fw={600}>
                {ACTION_WORD[h.action] ?? h.action}
              </Text>
            }
          >
            {h.note && (
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {h.note}
              </Text>
            )}
            <Text size="xs" c="dimmed" title={h.at}>
              {relative(h.at)} · {who(h.actor)}
            </Text>
          </Timeline.Item>
        ))}
      </Timeline>
    </Paper>
  );
}

/** The order form as the customer gets it: the HTML in a frame, and the PDF to download. */
export function QuoteDocument({ quote }: { quote: QuoteDetail }) {
  const base = `/api/v1/quotes/${encodeURIComponent(quote.id)}`;
  return (
    <Paper withBorder radius="md" p="md">
      <Group justify="space-between" mb="sm" wrap="wrap" gap="xs">
        <Title order={2} size="h4">
          Order form
        </Title>
        <Button
          component="a"
          href={`${base}/document.pdf`}
          download
          variant="default"
          leftSection={<IconDownload size={16} />}
        >
          Download PDF
        </Button>
      </Group>
      <iframe
        // A new frame when the quote changes, so the form shows its latest terms. Not sandboxed:
        // the document is our own, and its CSP (default-src 'none') already runs no script;
        // a sandboxed frame also stops axe and other assistive tooling from reading it.
        key={quote.updatedAt}
        src={`${base}/document.html`}
        title={`Order form for quote ${quote.number}`}
        data-testid="quote-document"
        style={{
          width: '100%',
          height: 520,
          border: '1px solid var(--mantine-color-default-border)',
          borderRadius: 'var(--mantine-radius-sm)',
          background: 'white',
        }}
      />
    </Paper>
  );
}
