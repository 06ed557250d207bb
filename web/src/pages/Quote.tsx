import {
  Anchor,
  Badge,
  Breadcrumbs,
  Button,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { FormError } from '../components/FormError';
import { QuoteActions } from '../components/quotes/QuoteActions';
import { QuoteFields, QuoteTotals, type Priced } from '../components/quotes/QuoteFields';
import { QuoteDocument, QuoteHistory } from '../components/quotes/QuoteRecord';
import {
  refusalOf,
  useQuoteForm,
  type FieldErrors,
  type QuoteTerms,
  type QuoteValues,
} from '../components/quotes/useQuoteForm';
import { Empty, ErrorState, Loading } from '../components/States';
import { day, exactMoney } from '../lib/format';
import {
  bpToPct,
  pctText,
  QUOTE_STATUS_COLOR,
  QUOTE_STATUS_LABEL,
  type QuoteDetail,
} from '../lib/renewals';
import { useUser } from '../lib/session';

type Preview = Awaited<ReturnType<typeof previewOf>>;
const previewOf = (subscriptionId: string) =>
  unwrap(api.POST('/api/v1/quotes/preview', { body: { subscriptionId } }));

const pricedOf = (p: Preview | undefined): Priced | undefined =>
  p && { ...p, unitMinor: p.input.unitMinor, seats: p.input.seats, termMonths: p.input.termMonths };

function Crumbs({ last }: { last: string }) {
  return (
    <Breadcrumbs>
      <Anchor component={Link} to="/renewals" size="sm">
        Renewals
      </Anchor>
      <Anchor component={Link} to="/quotes" size="sm">
        Quotes
      </Anchor>
      <Text size="sm">{last}</Text>
    </Breadcrumbs>
  );
}

/** The form beside its live totals; `children` are the buttons under the form. */
function Editor({
  form,
  extraErrors,
  disabled,
  onSubmit,
  label,
  children,
}: {
  form: ReturnType<typeof useQuoteForm>;
  extraErrors: FieldErrors;
  disabled: boolean;
  onSubmit: () => void;
  label: string;
  children: ReactNode;
}) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <Paper withBorder radius="md" p="md" component="form" onSubmit={submit} aria-label={label}>
        <Stack gap="sm">
          <QuoteFields
            values={form.values}
            errors={{ ...extraErrors, ...form.fieldErrors }}
            set={form.set}
            disabled={disabled}
          />
          {children}
        </Stack>
      </Paper>
      <QuoteTotals
        priced={pricedOf(form.preview.data)}
        updating={form.preview.isFetching || !form.settled}
        problem={form.previewError}
      />
    </SimpleGrid>
  );
}

function NewQuoteEditor({ subscriptionId, start }: { subscriptionId: string; start: Preview }) {
  const me = useUser();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const form = useQuoteForm(
    subscriptionId,
    {
      upliftPct: 0,
      seats: start.input.seats,
      termMonths: start.input.termMonths,
      discountPct: 0,
      notes: '',
    },
    undefined,
  );
  const [refusal, setRefusal] = useState<{ fields: FieldErrors; general: string | null }>({
    fields: {},
    general: null,
  });
  const save = useMutation({
    mutationFn: (terms: QuoteTerms) =>
      unwrap(api.POST('/api/v1/quotes', { body: { subscriptionId, ...terms } })),
    onSuccess: (q) => {
      notifications.show({ color: 'teal', message: `Saved draft quote ${q.number}` });
      void qc.invalidateQueries({ queryKey: ['quotes'] });
      void navigate(`/quotes/${q.id}`, { replace: true });
    },
    onError: (err) => setRefusal(refusalOf(err)),
  });
  return (
    <Stack gap="md">
      <Crumbs last="New quote" />
      <div>
        <Title order={1} size="h2">
          New quote for {start.accountName}
        </Title>
        <Text size="sm" c="dimmed">
          The renewal term starts {day(start.termStart)}; today’s price is{' '}
          {exactMoney(start.input.unitMinor, start.currency)} per seat per month.
        </Text>
      </div>
      <Editor
        form={form}
        extraErrors={refusal.fields}
        disabled={false}
        label={`Quote for ${start.accountName}`}
        onSubmit={() => {
          setRefusal({ fields: {}, general: null });
          if (form.terms) save.mutate(form.terms);
        }}
      >
        <FormError error={refusal.general} />
        {me.role !== 'viewer' && (
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending} disabled={!form.terms}>
              Save draft
            </Button>
          </Group>
        )}
      </Editor>
    </Stack>
  );
}

function NewQuote() {
  const [params] = useSearchParams();
  const subscriptionId = params.get('subscriptionId') ?? '';
  const start = useQuery({
    queryKey: ['quote-start', subscriptionId],
    queryFn: () => previewOf(subscriptionId),
    enabled: !!subscriptionId,
    retry: false,
  });
  if (!subscriptionId)
    return (
      <Empty title="Which renewal is this quote for?">
        Make a quote from a card’s menu on the <Link to="/renewals">renewals board</Link>, or from a
        subscription on an account’s Revenue tab.
      </Empty>
    );
  if (start.isPending) return <Loading label="Loading the subscription" />;
  if (start.isError) return <ErrorState error={start.error} />;
  return <NewQuoteEditor subscriptionId={subscriptionId} start={start.data} />;
}

const valuesOf = (q: QuoteDetail): QuoteValues => ({
  upliftPct: bpToPct(q.upliftBp),
  seats: q.seats,
  termMonths: q.termMonths,
  discountPct: bpToPct(q.discountBp),
  notes: q.notes ?? '',
});

function DraftEditor({ quote }: { quote: QuoteDetail }) {
  const qc = useQueryClient();
  const form = useQuoteForm(quote.subscriptionId, valuesOf(quote), quote.unitMinor);
  const [refusal, setRefusal] = useState<{ fields: FieldErrors; general: string | null }>({
    fields: {},
    general: null,
  });
  const saved = JSON.stringify({
    upliftBp: quote.upliftBp,
    seats: quote.seats,
    termMonths: quote.termMonths,
    discountBp: quote.discountBp,
    notes: quote.notes,
  });
  const dirty = JSON.stringify(form.terms) !== saved;
  const save = useMutation({
    mutationFn: (terms: QuoteTerms) =>
      unwrap(
        api.PATCH('/api/v1/quotes/{id}', {
          params: { path: { id: quote.id } },
          body: { ...terms, unitMinor: quote.unitMinor },
        }),
      ),
    onSuccess: (q) => {
      notifications.show({ color: 'teal', message: `Saved quote ${q.number}` });
      void qc.invalidateQueries({ queryKey: ['quote', quote.id] });
      void qc.invalidateQueries({ queryKey: ['quotes'] });
    },
    onError: (err) => setRefusal(refusalOf(err)),
  });
  return (
    <Editor
      form={form}
      extraErrors={refusal.fields}
      disabled={false}
      label={`Quote ${quote.number}`}
      onSubmit={() => {
        setRefusal({ fields: {}, general: null });
        if (form.terms) save.mutate(form.terms);
      }}
    >
      <FormError error={refusal.general} />
      <Group justify="space-between" wrap="wrap" gap="xs" align="flex-start">
        <QuoteActions quote={quote} dirty={dirty} />
        <Button
          type="submit"
          variant={dirty ? 'filled' : 'default'}
          loading={save.isPending}
          disabled={!dirty || !form.terms}
        >
          Save changes
        </Button>
      </Group>
    </Editor>
  );
}

/** A sent or decided quote: its terms as agreed, read only. */
function FixedTerms({ quote }: { quote: QuoteDetail }) {
  const me = useUser();
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <Paper withBorder radius="md" p="md">
        <Stack gap="xs">
          <Title order={2} size="h4">
            Terms
          </Title>
          <Text size="sm">
            Uplift {pctText(quote.upliftBp)} · discount {pctText(quote.discountBp)} · {quote.seats}{' '}
            seats · {quote.termMonths} months
          </Text>
          {quote.notes && (
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {quote.notes}
            </Text>
          )}
          {quote.lostReason && (
            <Text size="sm" c="red">
              Lost: {quote.lostReason}
            </Text>
          )}
          {me.role !== 'viewer' && <QuoteActions quote={quote} dirty={false} />}
        </Stack>
      </Paper>
      <QuoteTotals priced={quote} updating={false} problem={null} />
    </SimpleGrid>
  );
}

function SavedQuote({ id }: { id: string }) {
  const me = useUser();
  const quote = useQuery({
    queryKey: ['quote', id],
    queryFn: () => unwrap(api.GET('/api/v1/quotes/{id}', { params: { path: { id } } })),
  });
  if (quote.isPending) return <Loading label="Loading the quote" />;
  if (quote.isError) return <ErrorState error={quote.error} retry={() => void quote.refetch()} />;
  const q = quote.data;
  return (
    <Stack gap="md">
      <Crumbs last={q.number} />
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
        <div>
          <Group gap="sm">
            <Title order={1} size="h2">
              Quote {q.number}
            </Title>
            <Badge color={QUOTE_STATUS_COLOR[q.status]} variant="light" data-testid="quote-status">
              {QUOTE_STATUS_LABEL[q.status]}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed">
            <Anchor component={Link} to={`/accounts/${q.accountId}`} size="sm" underline="always">
              {q.accountName ?? 'The account'}
            </Anchor>{' '}
            · {q.plan} · term {day(q.termStart)} to {day(q.termEnd)}
          </Text>
        </div>
      </Group>
      {q.status === 'draft' && me.role !== 'viewer' ? (
        <DraftEditor key={q.updatedAt} quote={q} />
      ) : (
        <FixedTerms quote={q} />
      )}
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <QuoteHistory quote={q} />
        <QuoteDocument quote={q} />
      </SimpleGrid>
    </Stack>
  );
}

/** /quotes/new?subscriptionId=… drafts a quote; /quotes/:id shows, edits and decides one. */
export default function Quote() {
  const { id } = useParams();
  return id ? <SavedQuote id={id} /> : <NewQuote />;
}
