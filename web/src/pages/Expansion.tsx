import {
  Button,
  Group,
  Modal,
  NumberInput,
  Stack,
  Switch,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, messageOf, unwrap } from '../api/client';
import { PageHead, useLast, useUrlState } from '../components/admin/Layout';
import { Candidates } from '../components/expansion/Candidates';
import { Opportunities } from '../components/expansion/Opportunities';
import { FormError } from '../components/FormError';
import { Empty, ErrorState, Loading } from '../components/States';
import { minorDigits } from '../lib/format';
import { toMinor, type Candidate } from '../lib/renewals';
import { mayEditAccount, useUser } from '../lib/session';

function OpenOpportunity({
  candidate,
  onClose,
}: {
  candidate: Candidate | null;
  onClose: () => void;
}) {
  const shown = useLast(candidate);
  const qc = useQueryClient();
  const [title, setTitle] = useState('');
  const [amount, setAmount] = useState<number | string>('');
  const [notes, setNotes] = useState('');
  const [errors, setErrors] = useState<{ title?: string; amount?: string; general?: string }>({});
  useEffect(() => {
    if (candidate) {
      setTitle(`Expansion: ${candidate.accountName}`);
      setAmount('');
      setNotes('');
      setErrors({});
    }
  }, [candidate]);
  const open = useMutation({
    mutationFn: (body: {
      accountId: string;
      title: string;
      amountMinor: number;
      notes: string | null;
    }) => unwrap(api.POST('/api/v1/expansion/opportunities', { body })),
    onSuccess: (o) => {
      notifications.show({ color: 'teal', message: `Opened the opportunity “${o.title}”` });
      void qc.invalidateQueries({ queryKey: ['expansion'] });
      onClose();
    },
    onError: (err) => {
      const issues = err instanceof ApiError ? err.issues : [];
      const at = (k: string) => issues.find((i) => i.path.split('.').pop() === k)?.message;
      const e = { title: at('title'), amount: at('amountMinor') };
      setErrors(e.title || e.amount ? e : { general: messageOf(err) });
    },
  });
  if (!shown) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const amountMinor = toMinor(amount, shown.currency);
    const next = {
      title: title.trim() ? undefined : 'Give the opportunity a title',
      amount: amountMinor === null ? 'Give the ARR it adds, more than 0' : undefined,
    };
    setErrors(next);
    if (next.title || next.amount || amountMinor === null) return;
    open.mutate({
      accountId: shown.accountId,
      title: title.trim(),
      amountMinor,
      notes: notes.trim() || null,
    });
  };
  const heading = `Open an opportunity for ${shown.accountName}`;
  return (
    <Modal opened={candidate !== null} onClose={onClose} title={heading}>
      <form onSubmit={submit} aria-label={heading} noValidate>
        <Stack gap="sm">
          <TextInput
            label="Title"
            required
            maxLength={200}
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            error={errors.title}
            data-autofocus
          />
          <NumberInput
            label={`Amount (${shown.currency} ARR added)`}
            required
            min={0}
            decimalScale={minorDigits(shown.currency)}
            thousandSeparator=","
            value={amount}
            onChange={setAmount}
            error={errors.amount}
          />
          <Textarea
            label="Notes"
            autosize
            minRows={2}
            maxLength={4000}
            value={notes}
            onChange={(e) => setNotes(e.currentTarget.value)}
          />
          <FormError error={errors.general ?? null} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={open.isPending}>
              Open opportunity
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Accounts showing expansion signals, and the opportunities opened from them. */
export default function Expansion() {
  const me = useUser();
  const [params, set] = useUrlState();
  const ready = params.get('ready') === '1';
  const [opening, setOpening] = useState<Candidate | null>(null);
  const candidates = useQuery({
    queryKey: ['expansion', 'candidates', ready],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/expansion/candidates', {
          params: { query: ready ? { ready: 'true' } : {} },
        }),
      ),
  });
  const opportunities = useQuery({
    queryKey: ['expansion', 'opportunities'],
    queryFn: () => unwrap(api.GET('/api/v1/expansion/opportunities')),
  });
  const items = candidates.data?.items ?? [];
  return (
    <Stack gap="md">
      <PageHead
        title="Expansion"
        description="Accounts whose usage and engagement say they may buy more, and the opportunities opened from them."
      />
      <Title order={2} size="h4">
        Opportunities
      </Title>
      {opportunities.isPending && <Loading label="Loading opportunities" />}
      {opportunities.isError && (
        <ErrorState error={opportunities.error} retry={() => void opportunities.refetch()} />
      )}
      {opportunities.isSuccess && (
        <Opportunities
          items={opportunities.data.items}
          canEdit={(o) => mayEditAccount(me, o.ownerId)}
        />
      )}
      <Group justify="space-between" wrap="wrap">
        <Title order={2} size="h4">
          Candidates
        </Title>
        <Switch
          label="Ready to ask only"
          checked={ready}
          onChange={(e) => set({ ready: e.currentTarget.checked ? '1' : null })}
        />
      </Group>
      {candidates.isPending && <Loading label="Loading candidates" />}
      {candidates.isError && (
        <ErrorState error={candidates.error} retry={() => void candidates.refetch()} />
      )}
      {candidates.isSuccess && items.length === 0 && (
        <Empty title={ready ? 'No account is ready yet' : 'No expansion signals yet'}>
          Signals are worked out every five minutes from usage, seats, contacts and health.
        </Empty>
      )}
      {items.length > 0 && (
        <>
          <Text size="sm" c="dimmed" data-testid="candidates-summary">
            {items.length} account{items.length === 1 ? '' : 's'} scoring;{' '}
            {candidates.data?.threshold} points or more counts as expanding. Ready: green for 60
            days, no urgent tickets, no critical or high alerts.
          </Text>
          <Candidates
            items={items}
            threshold={candidates.data?.threshold ?? 0}
            canOpen={(c) => mayEditAccount(me, c.ownerId)}
            onOpen={setOpening}
          />
        </>
      )}
      <OpenOpportunity candidate={opening} onClose={() => setOpening(null)} />
    </Stack>
  );
}
