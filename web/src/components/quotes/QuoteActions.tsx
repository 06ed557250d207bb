import { Button, Group, Stack, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCircleCheck, IconSend, IconX } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, messageOf, unwrap } from '../../api/client';
import { exactMoney } from '../../lib/format';
import type { Quote } from '../../lib/renewals';
import { Confirm } from '../admin/Confirm';
import { FormError } from '../FormError';
import { ReasonModal } from '../ReasonModal';

type Action = 'send' | 'sign' | 'lose';

const DONE: Record<Action, string> = { send: 'Sent', sign: 'Signed', lose: 'Marked lost' };

function decide(id: string, action: Action, body: { note?: string; reason?: string }) {
  const params = { path: { id } };
  if (action === 'send') return unwrap(api.POST('/api/v1/quotes/{id}/send', { params, body }));
  if (action === 'sign') return unwrap(api.POST('/api/v1/quotes/{id}/sign', { params, body }));
  return unwrap(api.POST('/api/v1/quotes/{id}/lose', { params, body }));
}

function useDecide(quote: Quote) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { action: Action; reason?: string }) =>
      decide(quote.id, v.action, v.reason ? { reason: v.reason } : {}),
    onSuccess: (q, v) => {
      notifications.show({ color: 'teal', message: `${DONE[v.action]}: quote ${q.number}` });
      void qc.invalidateQueries({ queryKey: ['quote', quote.id] });
      void qc.invalidateQueries({ queryKey: ['quotes'] });
      void qc.invalidateQueries({ queryKey: ['renewals'] });
      void qc.invalidateQueries({ queryKey: ['timeline'] });
    },
  });
}

function LoseModal({
  opened,
  quote,
  onClose,
}: {
  opened: boolean;
  quote: Quote;
  onClose: () => void;
}) {
  const decide = useDecide(quote);
  return (
    <ReasonModal
      opened={opened}
      title={`Mark quote ${quote.number} lost`}
      hint="Say why the quote was lost, in a few words."
      submitLabel="Mark lost"
      pending={decide.isPending}
      onClose={onClose}
      onSubmit={(reason) => decide.mutateAsync({ action: 'lose', reason })}
    />
  );
}

/**
 * What a quote may do next: a draft is sent, a sent quote is signed (the subscription renews
 * on its terms) or lost, with a reason. Signed and lost quotes are final.
 */
export function QuoteActions({ quote, dirty }: { quote: Quote; dirty: boolean }) {
  const decide = useDecide(quote);
  const [signing, setSigning] = useState(false);
  const [losing, setLosing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = (action: Action) =>
    decide.mutate(
      { action },
      {
        onSuccess: () => {
          setError(null);
          setSigning(false);
        },
        onError: (err) => setError(messageOf(err)),
      },
    );
  if (quote.status === 'signed' || quote.status === 'lost') return null;
  return (
    <Stack gap="xs">
      <Group gap="xs">
        {quote.status === 'draft' && (
          <Tooltip label="Save your changes first" disabled={!dirty}>
            <Button
              leftSection={<IconSend size={16} />}
              onClick={() => run('send')}
              disabled={dirty}
              loading={decide.isPending && decide.variables?.action === 'send'}
            >
              Send
            </Button>
          </Tooltip>
        )}
        {quote.status === 'sent' && (
          <Button
            color="teal"
            leftSection={<IconCircleCheck size={16} />}
            onClick={() => setSigning(true)}
          >
            Sign
          </Button>
        )}
        <Button variant="default" leftSection={<IconX size={16} />} onClick={() => setLosing(true)}>
          Mark lost
        </Button>
      </Group>
      {quote.status === 'draft' && (
        <Text size="xs" c="dimmed">
          Sending fixes the terms: a sent quote is signed or lost, not edited.
        </Text>
      )}
      <FormError error={error} />
      <Confirm
        opened={signing}
        title={`Sign quote ${quote.number}`}
        action="Sign"
        color="teal"
        pending={decide.isPending}
        error={error}
        onConfirm={() => run('sign')}
        onClose={() => setSigning(false)}
      >
        The customer signed: the subscription renews on these terms ({quote.seats} seats for{' '}
        {quote.termMonths} months, {exactMoney(quote.totals.totalMinor, quote.currency)}) and the
        revenue movement is written.
      </Confirm>
      <LoseModal opened={losing} quote={quote} onClose={() => setLosing(false)} />
    </Stack>
  );
}
