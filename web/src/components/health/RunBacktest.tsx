import {
  Button,
  Group,
  NumberInput,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, messageOf, unwrap } from '../../api/client';
import { numOf } from '../../lib/models';
import { FormError } from '../FormError';
import { modelsQuery } from './ModelList';
import { aaErrors } from './styles';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Run a backtest with the options the API takes; opens the report when it is done. */
export function RunBacktest({ initialModel }: { initialModel: string | null }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const models = useQuery(modelsQuery);
  const [modelKey, setModelKey] = useState<string | null>(initialModel);
  const [version, setVersion] = useState<string | null>(null);
  const [horizon, setHorizon] = useState<number | null>(90);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [trainUntil, setTrainUntil] = useState('');
  const versions = useQuery({
    queryKey: ['health-model', modelKey],
    queryFn: () =>
      unwrap(api.GET('/api/v1/health/models/{key}', { params: { path: { key: modelKey! } } })),
    enabled: !!modelKey,
  });
  const run = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/health/backtests', {
          body: {
            ...(modelKey ? { modelKey } : {}),
            ...(modelKey && version ? { version: Number(version) } : {}),
            ...(horizon !== null ? { horizonDays: horizon } : {}),
            ...(from ? { from } : {}),
            ...(to ? { to } : {}),
            ...(trainUntil ? { trainUntil } : {}),
          },
        }),
      ),
    onSuccess: (b) => {
      void qc.invalidateQueries({ queryKey: ['backtests'] });
      void navigate(`/backtests/${b.id}`);
    },
  });
  const dateError = (v: string) => (v && !DATE.test(v) ? 'Use a date like 2026-01-31' : undefined);
  const badRange = from && to && from > to ? 'Must be on or before the end' : undefined;
  const horizonError =
    horizon === null || (Number.isInteger(horizon) && horizon >= 1 && horizon <= 730)
      ? undefined
      : 'A whole number of days from 1 to 730';
  const blocked = !!(
    dateError(from) ||
    dateError(to) ||
    dateError(trainUntil) ||
    badRange ||
    horizonError
  );
  return (
    <Paper withBorder p="md" radius="md" style={aaErrors}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!blocked) run.mutate();
        }}
      >
        <Stack gap="sm">
          <Title order={2} size="h4">
            Run a backtest
          </Title>
          <Text size="sm" c="dimmed">
            Scores each past renewal and churn as of the horizon before it, with only the data of
            that day. Leave the dates empty for the span where usage is recorded.
          </Text>
          <Group gap="sm" align="flex-end" wrap="wrap">
            <Select
              label="Model"
              placeholder="The default active model"
              data={(models.data?.items ?? []).map((m) => ({
                value: m.key,
                label: `${m.name}${m.active ? '' : ' (off)'}`,
              }))}
              value={modelKey}
              onChange={(v) => {
                setModelKey(v);
                setVersion(null);
              }}
              clearable
              w={{ base: '100%', sm: 220 }}
            />
            <Select
              label="Version"
              placeholder="Latest"
              data={(versions.data?.items ?? []).map((v) => ({
                value: String(v.version),
                label: `v${v.version}`,
              }))}
              value={version}
              onChange={setVersion}
              disabled={!modelKey}
              clearable
              w={{ base: '100%', sm: 120 }}
            />
            <NumberInput
              label="Horizon (days)"
              value={horizon ?? ''}
              onChange={(v) => setHorizon(numOf(v))}
              min={1}
              max={730}
              error={horizonError}
              w={{ base: '100%', sm: 140 }}
            />
            <TextInput
              type="date"
              label="Outcomes from"
              value={from}
              onChange={(e) => setFrom(e.currentTarget.value)}
              error={dateError(from) ?? badRange}
              w={{ base: '100%', sm: 170 }}
            />
            <TextInput
              type="date"
              label="Outcomes to"
              value={to}
              onChange={(e) => setTo(e.currentTarget.value)}
              error={dateError(to)}
              w={{ base: '100%', sm: 170 }}
            />
            <TextInput
              type="date"
              label="Fit weights up to"
              description="Default: the first 60% of outcomes"
              value={trainUntil}
              onChange={(e) => setTrainUntil(e.currentTarget.value)}
              error={dateError(trainUntil)}
              w={{ base: '100%', sm: 200 }}
            />
          </Group>
          <FormError error={run.isError ? messageOf(run.error) : null} />
          <Group>
            <Button type="submit" loading={run.isPending} disabled={blocked}>
              Run backtest
            </Button>
            {run.isPending && (
              <Text size="sm" c="dimmed" aria-live="polite">
                Replaying history; this takes a few seconds.
              </Text>
            )}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
