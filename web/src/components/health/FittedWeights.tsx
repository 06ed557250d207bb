import {
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, messageOf, unwrap } from '../../api/client';
import { measureShares, type MeasureId } from '../../lib/models';
import { mayEditModels, useUser } from '../../lib/session';
import { FormError } from '../FormError';
import { pct, type Backtest } from './backtest';

const STATUS: Record<Backtest['report']['fitted']['status'], { label: string; color: string }> = {
  fitted: { label: 'Fitted and tested', color: 'teal' },
  untested: { label: 'Not tested', color: 'yellow' },
  no_weights: { label: 'No weights', color: 'gray' },
  too_few: { label: 'Too few outcomes', color: 'gray' },
};

/** Adopting saves the fitted weights as the model's next version, after a confirmation. */
function Adopt({ backtest }: { backtest: Backtest }) {
  const qc = useQueryClient();
  const [open, { open: show, close }] = useDisclosure(false);
  const [saved, setSaved] = useState<{ key: string; version: number } | null>(null);
  const adopt = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/health/backtests/{id}/adopt', {
          params: { path: { id: backtest.id } },
        }),
      ),
    onSuccess: (r) => {
      close();
      setSaved(r);
      notifications.show({ color: 'teal', message: `Saved ${r.key} as version ${r.version}.` });
      void qc.invalidateQueries({ queryKey: ['health-models'] });
      void qc.invalidateQueries({ queryKey: ['health-model', r.key] });
    },
  });
  const m = backtest.model;
  const dismiss = () => {
    adopt.reset();
    close();
  };
  return (
    <>
      <Group gap="sm">
        <Button onClick={show}>Adopt fitted weights</Button>
        {saved && (
          <Anchor component={Link} to={`/models/${saved.key}?tab=history&version=${saved.version}`}>
            Open {saved.key} v{saved.version}
          </Anchor>
        )}
      </Group>
      <Modal opened={open} onClose={dismiss} title="Adopt the fitted weights?">
        <Stack gap="sm">
          <Text size="sm">
            This saves {m.name} as a new version with the fitted weights: each measure keeps its
            bands, measures fitted at 0 drop out, and every account is rescored. It only works while{' '}
            {m.key} is still at v{m.version}, the version this backtest tested.
          </Text>
          <FormError error={adopt.isError ? messageOf(adopt.error) : null} />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={dismiss}>
              Cancel
            </Button>
            <Button onClick={() => adopt.mutate()} loading={adopt.isPending}>
              Adopt fitted weights
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** Current and fitted weights side by side, with how each did on the later outcomes. */
export function FittedWeights({ backtest }: { backtest: Backtest }) {
  const user = useUser();
  const f = backtest.report.fitted;
  const { key, version } = backtest.model;
  const tested = useQuery({
    queryKey: ['health-model', key, 'version', version],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/health/models/{key}/versions/{version}', {
          params: { path: { key, version } },
        }),
      ),
  });
  const labels = useQuery({
    queryKey: ['health-measures'],
    queryFn: () => unwrap(api.GET('/api/v1/health/measures')),
    staleTime: 60 * 60_000,
  });
  const labelOf = (id: string) => labels.data?.items.find((m) => m.id === id)?.label ?? id;
  const current = tested.data
    ? measureShares(tested.data.definition)
    : new Map<MeasureId, number>();
  const fitted = new Map(f.weights.map((w) => [w.measure, w]));
  const ids = [...new Set<MeasureId>([...f.weights.map((w) => w.measure), ...current.keys()])];
  ids.sort((a, b) => (fitted.get(b)?.weight ?? -1) - (fitted.get(a)?.weight ?? -1));
  const s = STATUS[f.status];
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Title order={2} size="h4">
            Current and fitted weights
          </Title>
          <Badge variant="light" color={s.color}>
            {s.label}
          </Badge>
        </Group>
        <Text size="sm">{f.text}</Text>
        {ids.length > 0 && (
          <div style={{ overflowX: 'auto' }}>
            <Table verticalSpacing={4} miw={520} data-testid="weights-table">
              <Table.Caption>
                Each measure’s share of the score now, and the weight fitted on outcomes up to{' '}
                {f.trainUntil}
              </Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Measure</Table.Th>
                  <Table.Th ta="right">Current</Table.Th>
                  <Table.Th ta="right">Fitted</Table.Th>
                  <Table.Th ta="right">Scored in</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {ids.map((id) => {
                  const w = fitted.get(id);
                  const now = current.get(id);
                  return (
                    <Table.Tr key={id}>
                      <Table.Td>{labelOf(id)}</Table.Td>
                      <Table.Td ta="right">
                        {now === undefined ? '—' : `${now.toFixed(1)}%`}
                      </Table.Td>
                      <Table.Td ta="right">
                        {w ? (w.coefficient === null ? 'too rare' : `${w.weight}%`) : '—'}
                      </Table.Td>
                      <Table.Td ta="right">{w ? pct(w.observedShare) : '—'}</Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </div>
        )}
        {mayEditModels(user) &&
          (f.status === 'fitted' ? (
            <Adopt backtest={backtest} />
          ) : (
            <Text size="sm" c="dimmed">
              Nothing to adopt: only weights tested on later outcomes can become a model version.
            </Text>
          ))}
      </Stack>
    </Paper>
  );
}
