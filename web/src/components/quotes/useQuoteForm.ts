import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, ApiError, messageOf, unwrap } from '../../api/client';
import { pctToBp, quoteIssue, type QuoteField } from '../../lib/renewals';

/** The editor's fields as typed (percent for rates; Mantine gives '' for an empty number). */
export interface QuoteValues {
  upliftPct: number | string;
  seats: number | string;
  termMonths: number | string;
  discountPct: number | string;
  notes: string;
}

export interface QuoteTerms {
  upliftBp: number;
  seats: number;
  termMonths: number;
  discountBp: number;
  notes: string | null;
}

export type FieldErrors = Partial<Record<QuoteField, string>>;

const whole = (v: number | string): number | null => {
  const n = typeof v === 'number' ? v : v === '' ? NaN : Number(v);
  return Number.isInteger(n) ? n : null;
};

/**
 * The fields as the API's terms, or what is wrong at each field before anything is sent
 * (ranges are the server's to check: its refusals come back to the same fields).
 */
export function termsOf(v: QuoteValues): { terms: QuoteTerms | null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const upliftBp = pctToBp(v.upliftPct);
  const discountBp = pctToBp(v.discountPct);
  const seats = whole(v.seats);
  const termMonths = whole(v.termMonths);
  if (upliftBp === null) errors.upliftPct = 'Give a percentage, at most two decimals (0 for none)';
  if (discountBp === null)
    errors.discountPct = 'Give a percentage, at most two decimals (0 for none)';
  if (seats === null) errors.seats = 'Give a whole number of seats';
  if (termMonths === null) errors.termMonths = 'Give the term in whole months';
  if (upliftBp === null || discountBp === null || seats === null || termMonths === null)
    return { terms: null, errors };
  return {
    terms: { upliftBp, seats, termMonths, discountBp, notes: v.notes.trim() || null },
    errors,
  };
}

/** An API refusal split into the fields it names and a sentence for the rest. */
export function refusalOf(err: unknown): { fields: FieldErrors; general: string | null } {
  const fields: FieldErrors = {};
  if (err instanceof ApiError) {
    for (const i of err.issues) {
      const at = quoteIssue(i);
      if (at && !fields[at.field]) fields[at.field] = at.message;
    }
  }
  return { fields, general: Object.keys(fields).length > 0 ? null : messageOf(err) };
}

/**
 * The editor's state and its live price: the totals are asked of the server (the one place
 * the rounding rule lives) a moment after typing stops, and kept on screen while it answers.
 */
export function useQuoteForm(
  subscriptionId: string,
  initial: QuoteValues,
  unitMinor: number | undefined,
) {
  const [values, setValues] = useState<QuoteValues>(initial);
  const { terms, errors } = termsOf(values);
  const key = terms ? JSON.stringify({ ...terms, unitMinor }) : null;
  const [debounced] = useDebouncedValue(key, 300);
  const preview = useQuery({
    queryKey: ['quote-preview', subscriptionId, debounced],
    queryFn: () => {
      const body = JSON.parse(debounced!) as QuoteTerms & { unitMinor?: number };
      return unwrap(api.POST('/api/v1/quotes/preview', { body: { subscriptionId, ...body } }));
    },
    enabled: debounced !== null && !!subscriptionId,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 60_000,
  });
  const refusal = useMemo(
    () => (preview.isError ? refusalOf(preview.error) : { fields: {}, general: null }),
    [preview.isError, preview.error],
  );
  const settled = key === debounced && !preview.isFetching;
  return {
    values,
    set: (patch: Partial<QuoteValues>) => setValues((v) => ({ ...v, ...patch })),
    reset: setValues,
    terms,
    // What the browser sees wrong first; the server's word once it has answered these terms.
    fieldErrors: { ...(settled ? refusal.fields : {}), ...errors },
    previewError: settled ? refusal.general : null,
    preview,
    settled,
  };
}
