import {
  Button,
  Group,
  Modal,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Textarea,
} from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, messageOf } from '../../api/client';
import { day, minorDigits, money } from '../../lib/format';
import {
  CHURN_REASON_LABEL,
  CHURN_REASONS,
  exactMinor,
  majorText,
  OUTCOME_LABEL,
  type ChurnReason,
  type Outcome,
  type RenewalItem,
} from '../../lib/renewals';
import { oneOf, useLast } from '../admin/Layout';
import { aaErrors } from '../health/styles';
import { FormError } from '../FormError';
import { useRecordOutcome, type OutcomeInput } from './hooks';

const OUTCOMES = ['renewed', 'downgraded', 'churned'] as const;
type Field = 'arrMinor' | 'termMonths' | 'churnReason' | 'note';
const FIELDS = ['arrMinor', 'termMonths', 'churnReason', 'note'] as const;

/**
 * How a renewal ended: renewed (at what ARR, for how long), downgraded (to what ARR) or
 * churned (and why). The renewal then leaves the board and the account's timeline says so.
 */
export function OutcomeModal({
  item: target,
  onClose,
}: {
  item: RenewalItem | null;
  onClose: () => void;
}) {
  const item = useLast(target);
  const record = useRecordOutcome();
  const [outcome, setOutcome] = useState<Outcome>('renewed');
  const [arr, setArr] = useState<string | number>('');
  const [term, setTerm] = useState<string | number>('');
  const [reason, setReason] = useState<ChurnReason | null>(null);
  const [note, setNote] = useState('');
  const [fields, setFields] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (target) {
      setOutcome('renewed');
      setArr(majorText(target.arrMinor, target.currency));
      setTerm('');
      setReason(null);
      setNote('');
      setFields({});
      setError(null);
    }
  }, [target]);
  if (!item) return null;
  const today = majorText(item.arrMinor, item.currency);
  const choose = (v: string) => {
    const next = oneOf(v, OUTCOMES);
    if (!next) return;
    // Today's ARR is where a renewal starts; a downgrade is below it, so it is typed afresh.
    if (next === 'renewed' && arr === '') setArr(today);
    if (next === 'downgraded' && String(arr) === today) setArr('');
    setOutcome(next);
    setFields({});
    setError(null);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: OutcomeInput = { outcome };
    const problems: Partial<Record<Field, string>> = {};
    if (outcome === 'churned') {
      if (reason) body.churnReason = reason;
      else problems.churnReason = 'Say why the customer left';
    } else {
      const minor = exactMinor(arr, item.currency);
      if (minor === null)
        problems.arrMinor =
          minorDigits(item.currency) === 0
            ? `Give the ARR in whole ${item.currency}, more than 0`
            : `Give the ARR in ${item.currency}, more than 0, to ${minorDigits(item.currency)} decimals at most`;
      else body.arrMinor = minor;
      if (term !== '') {
        const months = Number(term);
        if (!Number.isInteger(months) || months < 1 || months > 120)
          problems.termMonths = 'Must be 1 to 120 months';
        else body.termMonths = months;
      }
    }
    if (note.trim()) body.note = note.trim();
    setFields(problems);
    setError(null);
    if (Object.keys(problems).length > 0) return;
    record.mutate(
      { item, body },
      {
        onSuccess: onClose,
        onError: (err) => {
          const found: Partial<Record<Field, string>> = {};
          for (const i of err instanceof ApiError ? err.issues : []) {
            const f = oneOf(i.path.replace(/^body\.?/, ''), FIELDS);
            if (f) found[f] ??= i.message.charAt(0).toUpperCase() + i.message.slice(1);
          }
          setFields(found);
          setError(Object.keys(found).length > 0 ? null : messageOf(err));
        },
      },
    );
  };
  const title = `Record the renewal of ${item.accountName}`;
  return (
    <Modal opened={target !== null} onClose={onClose} title={title}>
      <form onSubmit={submit} aria-label={title} noValidate style={aaErrors}>
        <Stack gap="sm">
          <Text size="sm">
            Due {day(item.renewalDate)} at {money(item.arrMinor, item.currency)} ARR ({item.plan}).
            Once recorded, the renewal leaves the board and the account’s timeline says how it
            ended.
          </Text>
          <div>
            <Text size="sm" fw={500} id="outcome-label" mb={4}>
              Outcome
            </Text>
            <SegmentedControl
              aria-labelledby="outcome-label"
              fullWidth
              value={outcome}
              onChange={choose}
              data={OUTCOMES.map((o) => ({ value: o, label: OUTCOME_LABEL[o] }))}
            />
          </div>
          {outcome === 'churned' ? (
            <Select
              label="Why they left"
              placeholder="Choose a reason"
              required
              data={CHURN_REASONS.map((r) => ({ value: r, label: CHURN_REASON_LABEL[r] }))}
              value={reason}
              onChange={(v) => setReason(oneOf(v, CHURN_REASONS))}
              error={fields.churnReason}
            />
          ) : (
            <>
              <NumberInput
                label={`ARR (${item.currency})`}
                description={
                  outcome === 'renewed'
                    ? `Today’s is ${money(item.arrMinor, item.currency)}; more if it renewed higher`
                    : `Below today’s ${money(item.arrMinor, item.currency)}`
                }
                required
                min={0}
                decimalScale={minorDigits(item.currency)}
                thousandSeparator=","
                value={arr}
                onChange={setArr}
                error={fields.arrMinor}
              />
              <NumberInput
                label="Term (months)"
                description="Leave empty to keep the current term"
                min={1}
                max={120}
                allowDecimal={false}
                clampBehavior="none"
                value={term}
                onChange={setTerm}
                error={fields.termMonths}
              />
            </>
          )}
          <Textarea
            label="Note"
            description="Goes on the account’s timeline"
            autosize
            minRows={2}
            maxLength={2000}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            error={fields.note}
          />
          <FormError error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={record.isPending}>
              Record {OUTCOME_LABEL[outcome].toLowerCase()}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
