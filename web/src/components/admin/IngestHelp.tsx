import { Anchor, Code, List, Paper, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

/** A block of code that may be wider than a phone: it scrolls, and the keyboard can reach it. */
function Snippet({ children }: { children: string }) {
  return (
    <Code block tabIndex={0} style={{ overflowX: 'auto', whiteSpace: 'pre' }}>
      {children}
    </Code>
  );
}

/** How to point Segment or RudderStack at this Tenure (docs/ingest.md, in short). */
export function IngestHelp({ admin }: { admin: boolean }) {
  const origin = window.location.origin;
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="ingest-help">
      <Stack gap="sm">
        <Title order={2} size="h4" id="ingest-help">
          Send product events to Tenure
        </Title>
        <Text size="sm">
          Tenure speaks Segment’s HTTP tracking API, so Segment’s and RudderStack’s libraries send
          to it unchanged: use Tenure’s address as the host and an ingest key as the write key.
        </Text>
        <List type="ordered" size="sm" spacing="sm">
          <List.Item>
            Make an ingest key{' '}
            {admin ? (
              <>
                on the{' '}
                <Anchor component={Link} to="/admin/keys">
                  API keys
                </Anchor>{' '}
                page (scope “ingest”)
              </>
            ) : (
              '(ask an admin)'
            )}{' '}
            or with <Code>npx tenure keys create --scope ingest --name "Segment production"</Code>.
            It can send events and read nothing.
          </List.Item>
          <List.Item>
            Point the sender at <Code>{origin}</Code>. Segment’s Node library:
            <Snippet>{`new Analytics({ writeKey: 'tnr_ingest_…', host: '${origin}' })`}</Snippet>
            RudderStack’s Node SDK:{' '}
            <Code>{`new Analytics(key, { dataPlaneUrl: '${origin}' })`}</Code>. A Segment or
            RudderStack destination: <Code>{`${origin}/v1/batch`}</Code> with the key as the HTTP
            Basic user name and an empty password. With curl:
            <Snippet>{`curl -u "$TENURE_INGEST_KEY:" ${origin}/v1/track \\
  -H 'content-type: application/json' \\
  -d '{"userId":"u_42","event":"Report Created","context":{"groupId":"org_7"}}'`}</Snippet>
          </List.Item>
          <List.Item>
            An event belongs to the account whose product id equals its <Code>context.groupId</Code>
            . Set product ids on your accounts first, or events from unknown groups create new
            accounts.
          </List.Item>
        </List>
        <Text size="sm" c="dimmed">
          Every event is acknowledged as accepted, duplicate or rejected; rejected ones wait below
          as dead letters until they are fixed and replayed.
        </Text>
      </Stack>
    </Paper>
  );
}
