import {
  Button,
  Group,
  NumberInput,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, messageOf, unwrap } from '../../api/client';
import { OnlyAdmins, PageHead } from '../../components/admin/Layout';
import { FormError } from '../../components/FormError';
import { aaErrors } from '../../components/health/styles';
import { ErrorState, Loading } from '../../components/States';
import {
  BUCKET_LABEL,
  BUCKETS,
  bpToPct,
  lines,
  parseDays,
  pctToBp,
  settingsIssues,
  type Bucket,
  type RenewalSettings as Settings,
  type SettingsField,
} from '../../lib/renewals';
import { isAdmin, useUser } from '../../lib/session';

const NONE = 'none';

/** What the form holds: numbers as typed (percent, not basis points), lists as text. */
interface Draft {
  probabilities: Record<Bucket, number | string>;
  calibrate: boolean;
  riskUsageDropPct: number | string;
  churnUsageDropPct: number | string;
  expansionThreshold: number | string;
  windows: string;
  email: boolean;
  slackEndpointId: string;
  seller: string;
  validDays: number | string;
  limitEvents: string;
  premiumEvents: string;
}

function draftOf(s: Settings): Draft {
  return {
    probabilities: {
      on_track: bpToPct(s.probabilities.on_track),
      at_risk: bpToPct(s.probabilities.at_risk),
      expanding: bpToPct(s.probabilities.expanding),
      churning: bpToPct(s.probabilities.churning),
    },
    calibrate: s.calibrate,
    riskUsageDropPct: s.rules.riskUsageDropPct,
    churnUsageDropPct: s.rules.churnUsageDropPct,
    expansionThreshold: s.rules.expansionThreshold,
    windows: s.reminders.windows.join(', '),
    email: s.reminders.email,
    slackEndpointId: s.reminders.slackEndpointId ?? NONE,
    seller: s.quotes.seller,
    validDays: s.quotes.validDays,
    limitEvents: s.expansion.limitEvents.join('\n'),
    premiumEvents: s.expansion.premiumEvents.join('\n'),
  };
}

type Errors = Partial<Record<SettingsField, string>>;

/** The form's draft as the API's settings, or the fields that cannot be read as numbers. */
function toSettings(d: Draft): { settings: Settings } | { errors: Errors } {
  const errors: Errors = {};
  const num = (v: number | string, field: SettingsField): number => {
    const n = v === '' ? NaN : Number(v);
    if (!Number.isFinite(n)) errors[field] = 'Give a number';
    return n;
  };
  const prob = (b: Bucket): number => {
    const bp = pctToBp(d.probabilities[b]);
    if (bp === null) errors[`probabilities.${b}`] = 'Give a percentage, to two decimals at most';
    return bp ?? 0;
  };
  const windows = parseDays(d.windows);
  if (!windows) errors['reminders.windows'] = 'Whole days, separated by commas: 120, 90, 60, 30';
  const settings: Settings = {
    probabilities: {
      on_track: prob('on_track'),
      at_risk: prob('at_risk'),
      expanding: prob('expanding'),
      churning: prob('churning'),
    },
    calibrate: d.calibrate,
    rules: {
      riskUsageDropPct: num(d.riskUsageDropPct, 'rules.riskUsageDropPct'),
      churnUsageDropPct: num(d.churnUsageDropPct, 'rules.churnUsageDropPct'),
      expansionThreshold: num(d.expansionThreshold, 'rules.expansionThreshold'),
    },
    reminders: {
      windows: windows ?? [],
      email: d.email,
      slackEndpointId: d.slackEndpointId === NONE ? null : d.slackEndpointId,
    },
    quotes: { seller: d.seller.trim(), validDays: num(d.validDays, 'quotes.validDays') },
    expansion: { limitEvents: lines(d.limitEvents), premiumEvents: lines(d.premiumEvents) },
  };
  return Object.keys(errors).length > 0 ? { errors } : { settings };
}

function Section({
  title,
  description,
  children,
}: {
  title: string;
  description: string;
  children: ReactNode;
}) {
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={title}>
      <Title order={2} size="h4">
        {title}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {description}
      </Text>
      {children}
    </Paper>
  );
}

function SettingsForm({ settings }: { settings: Settings }) {
  const qc = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() => draftOf(settings));
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<string | null>(null);
  const endpoints = useQuery({
    queryKey: ['endpoints'],
    queryFn: () => unwrap(api.GET('/api/v1/outbound/endpoints')),
  });
  const slack = (endpoints.data?.items ?? []).filter((e) => e.kind === 'slack');
  const chosen = draft.slackEndpointId;
  const slackOptions = [
    { value: NONE, label: 'None' },
    ...slack.map((e) => ({ value: e.id, label: e.name })),
    // One that was removed since it was chosen stays visible, so saving does not hide it.
    ...(chosen !== NONE && endpoints.isSuccess && !slack.some((e) => e.id === chosen)
      ? [{ value: chosen, label: 'An endpoint no longer there' }]
      : []),
  ];
  const save = useMutation({
    mutationFn: (body: Settings) => unwrap(api.PATCH('/api/v1/renewals/settings', { body })),
    onSuccess: (s) => {
      qc.setQueryData(['renewals', 'settings'], s);
      // Probabilities and rules change the forecast and the board's buckets.
      void qc.invalidateQueries({ queryKey: ['renewals'] });
      setDraft(draftOf(s));
      notifications.show({ color: 'teal', message: 'Renewal settings saved' });
    },
    onError: (err) => {
      const { fields, rest } = settingsIssues(err instanceof ApiError ? err.issues : []);
      setErrors(fields);
      setError(
        Object.keys(fields).length === 0
          ? messageOf(err)
          : rest.length > 0
            ? `Check the fields marked below. Also: ${rest.join('; ')}`
            : 'Check the fields marked below.',
      );
    },
  });
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = toSettings(draft);
    if ('errors' in r) {
      setErrors(r.errors);
      setError('Check the fields marked below.');
      return;
    }
    setErrors({});
    setError(null);
    save.mutate(r.settings);
  };
  return (
    <form onSubmit={submit} aria-label="Renewal settings" noValidate style={aaErrors}>
      <Stack gap="md">
        <Section
          title="Renewal probabilities"
          description="How likely a renewal in each bucket is to renew; the forecast weighs ARR by these."
        >
          <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
            {BUCKETS.map((b) => (
              <NumberInput
                key={b}
                label={`${BUCKET_LABEL[b]} (%)`}
                min={0}
                max={100}
                clampBehavior="none"
                decimalScale={2}
                value={draft.probabilities[b]}
                onChange={(v) => set('probabilities', { ...draft.probabilities, [b]: v })}
                error={errors[`probabilities.${b}`]}
              />
            ))}
          </SimpleGrid>
          <Switch
            mt="md"
            label="Calibrate from recorded outcomes"
            description="Once enough renewals are recorded, the forecast uses how each bucket actually renewed"
            checked={draft.calibrate}
            onChange={(e) => set('calibrate', e.currentTarget.checked)}
            error={errors.calibrate}
          />
        </Section>

        <Section
          title="Bucket rules"
          description="When the rules put a renewal at risk, churning or expanding (a CSM’s own call still wins)."
        >
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <NumberInput
              label="At Risk: usage drop (%)"
              description="Usage down this much or more"
              min={1}
              max={100}
              clampBehavior="none"
              value={draft.riskUsageDropPct}
              onChange={(v) => set('riskUsageDropPct', v)}
              error={errors['rules.riskUsageDropPct']}
            />
            <NumberInput
              label="Churning: usage drop (%)"
              description="At least the At Risk drop"
              min={1}
              max={100}
              clampBehavior="none"
              value={draft.churnUsageDropPct}
              onChange={(v) => set('churnUsageDropPct', v)}
              error={errors['rules.churnUsageDropPct']}
            />
            <NumberInput
              label="Expanding: signal threshold"
              description="Expansion score, 1 to 100"
              min={1}
              max={100}
              allowDecimal={false}
              clampBehavior="none"
              value={draft.expansionThreshold}
              onChange={(v) => set('expansionThreshold', v)}
              error={errors['rules.expansionThreshold']}
            />
          </SimpleGrid>
        </Section>

        <Section
          title="Reminders"
          description="The account owner is reminded this many days before each renewal."
        >
          <Stack gap="sm">
            <TextInput
              label="Reminder windows (days)"
              description="Separated by commas, e.g. 120, 90, 60, 30"
              value={draft.windows}
              onChange={(e) => set('windows', e.currentTarget.value)}
              error={errors['reminders.windows']}
            />
            <Switch
              label="Email the owner"
              checked={draft.email}
              onChange={(e) => set('email', e.currentTarget.checked)}
              error={errors['reminders.email']}
            />
            <Select
              label="Slack channel"
              description="Also post reminders to a Slack endpoint (add one under Outbox → Endpoints)"
              data={slackOptions}
              value={draft.slackEndpointId}
              allowDeselect={false}
              onChange={(v) => set('slackEndpointId', v ?? NONE)}
              error={
                errors['reminders.slackEndpointId'] ??
                (endpoints.isError ? 'The endpoints could not be loaded' : undefined)
              }
            />
          </Stack>
        </Section>

        <Section title="Quotes" description="What renewal quotes say about who issues them.">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Seller name"
              description="The company quotes are issued by"
              maxLength={200}
              value={draft.seller}
              onChange={(e) => set('seller', e.currentTarget.value)}
              error={errors['quotes.seller']}
            />
            <NumberInput
              label="Valid for (days)"
              min={1}
              max={365}
              allowDecimal={false}
              clampBehavior="none"
              value={draft.validDays}
              onChange={(v) => set('validDays', v)}
              error={errors['quotes.validDays']}
            />
          </SimpleGrid>
        </Section>

        <Section
          title="Expansion signals"
          description="Product events that count towards an account’s expansion signals."
        >
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Textarea
              label="Usage limit events"
              description="One event name a line"
              autosize
              minRows={3}
              value={draft.limitEvents}
              onChange={(e) => set('limitEvents', e.currentTarget.value)}
              error={errors['expansion.limitEvents']}
            />
            <Textarea
              label="Premium interest events"
              description="One event name a line"
              autosize
              minRows={3}
              value={draft.premiumEvents}
              onChange={(e) => set('premiumEvents', e.currentTarget.value)}
              error={errors['expansion.premiumEvents']}
            />
          </SimpleGrid>
        </Section>

        <FormError error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setDraft(draftOf(settings))}>
            Reset
          </Button>
          <Button type="submit" loading={save.isPending}>
            Save settings
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Renewal probabilities, bucket rules, reminders, quote defaults and expansion events. */
export default function RenewalSettings() {
  const admin = isAdmin(useUser());
  const q = useQuery({
    queryKey: ['renewals', 'settings'],
    queryFn: () => unwrap(api.GET('/api/v1/renewals/settings')),
    enabled: admin,
  });
  const head = (
    <PageHead
      title="Renewal settings"
      description="Probabilities for the forecast, the rules that bucket renewals, reminders, quotes and expansion signals."
    />
  );
  if (!admin)
    return (
      <Stack gap="md">
        {head}
        <OnlyAdmins what="change renewal settings" />
      </Stack>
    );
  return (
    <Stack gap="md">
      {head}
      {q.isPending && <Loading label="Loading renewal settings" />}
      {q.isError && <ErrorState error={q.error} retry={() => void q.refetch()} />}
      {q.isSuccess && <SettingsForm settings={q.data} />}
    </Stack>
  );
}
