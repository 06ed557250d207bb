import {
  Divider,
  Group,
  Loader,
  NumberInput,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { day, exactMoney } from '../../lib/format';
import type { FieldErrors, QuoteValues } from './useQuoteForm';

/** Uplift, seats, term, discount and notes, each with its own error underneath. */
export function QuoteFields({
  values,
  errors,
  set,
  disabled = false,
}: {
  values: QuoteValues;
  errors: FieldErrors;
  set: (patch: Partial<QuoteValues>) => void;
  disabled?: boolean;
}) {
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
        <NumberInput
          label="Uplift (%)"
          description="Price rise per seat"
          value={values.upliftPct}
          onChange={(v) => set({ upliftPct: v })}
          error={errors.upliftPct}
          min={0}
          max={100}
          decimalScale={2}
          step={0.5}
          clampBehavior="none"
          disabled={disabled}
        />
        <NumberInput
          label="Discount (%)"
          description="Off the subtotal"
          value={values.discountPct}
          onChange={(v) => set({ discountPct: v })}
          error={errors.discountPct}
          min={0}
          max={100}
          decimalScale={2}
          step={0.5}
          clampBehavior="none"
          disabled={disabled}
        />
        <NumberInput
          label="Seats"
          value={values.seats}
          onChange={(v) => set({ seats: v })}
          error={errors.seats}
          min={1}
          allowDecimal={false}
          thousandSeparator=","
          clampBehavior="none"
          disabled={disabled}
        />
        <NumberInput
          label="Term (months)"
          value={values.termMonths}
          onChange={(v) => set({ termMonths: v })}
          error={errors.termMonths}
          min={1}
          max={120}
          allowDecimal={false}
          clampBehavior="none"
          disabled={disabled}
        />
      </SimpleGrid>
      <Textarea
        label="Notes"
        description="Printed on the order form"
        autosize
        minRows={2}
        maxLength={4000}
        value={values.notes}
        onChange={(e) => set({ notes: e.currentTarget.value })}
        error={errors.notes}
        disabled={disabled}
      />
    </Stack>
  );
}

export interface Priced {
  totals: {
    unitAfterUpliftMinor: number;
    subtotalMinor: number;
    discountMinor: number;
    totalMinor: number;
    monthlyMinor: number;
  };
  unitMinor: number;
  seats: number;
  termMonths: number;
  currency: string;
  termStart: string;
  termEnd: string;
}

function Line({
  label,
  value,
  strong,
  testId,
}: {
  label: string;
  value: string;
  strong?: boolean;
  testId?: string;
}) {
  return (
    <Group justify="space-between" wrap="nowrap" gap="sm">
      <Text size="sm" fw={strong ? 700 : undefined}>
        {label}
      </Text>
      <Text size={strong ? 'lg' : 'sm'} fw={strong ? 700 : 500} data-testid={testId} ta="right">
        {value}
      </Text>
    </Group>
  );
}

/** The price as the server worked it out, announced politely as it changes. */
export function QuoteTotals({
  priced,
  updating,
  problem,
}: {
  priced: Priced | undefined;
  updating: boolean;
  problem: string | null;
}) {
  const $ = (minor: number) => (priced ? exactMoney(minor, priced.currency) : '—');
  return (
    <Paper withBorder radius="md" p="md" data-testid="quote-totals">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          Totals
        </Title>
        {updating && <Loader size="xs" role="status" aria-label="Updating the totals" />}
      </Group>
      <div aria-live="polite">
        {!priced ? (
          <Text size="sm" c="dimmed">
            {problem ?? 'The totals appear when every field has a value.'}
          </Text>
        ) : (
          <Stack gap={6}>
            <Line
              label="Price per seat per month"
              value={`${$(priced.totals.unitAfterUpliftMinor)}`}
              testId="quote-unit"
            />
            <Text size="xs" c="dimmed" mt={-4}>
              before uplift {$(priced.unitMinor)}
            </Text>
            <Line
              label={`${priced.seats.toLocaleString('en-US')} seats × ${priced.termMonths} months`}
              value={$(priced.totals.subtotalMinor)}
              testId="quote-subtotal"
            />
            <Line
              label="Discount"
              value={priced.totals.discountMinor > 0 ? `−${$(priced.totals.discountMinor)}` : $(0)}
              testId="quote-discount"
            />
            <Divider />
            <Line label="Total" value={$(priced.totals.totalMinor)} strong testId="quote-total" />
            <Line label="Per month" value={$(priced.totals.monthlyMinor)} testId="quote-monthly" />
            <Text size="xs" c="dimmed">
              Term {day(priced.termStart)} to {day(priced.termEnd)} · {priced.currency}
            </Text>
            {problem && (
              <Text size="xs" c="red" role="alert">
                {problem}
              </Text>
            )}
          </Stack>
        )}
      </div>
    </Paper>
  );
}
