import { ActionIcon, Anchor, Badge, Group, Menu, Paper, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDots } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, messageOf, unwrap } from '../../api/client';
import { money } from '../../lib/format';
import { nextStages, STAGE_LABEL, STAGES, type Opportunity, type Stage } from '../../lib/renewals';
import { Confirm } from '../admin/Confirm';
import { ReasonModal } from '../ReasonModal';

const STAGE_COLOR: Record<Stage, string> = {
  identified: 'gray',
  qualified: 'indigo',
  proposed: 'orange',
  won: 'teal',
  lost: 'red',
};

function useMove() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { o: Opportunity; stage: Stage; lostReason?: string }) =>
      unwrap(
        api.PATCH('/api/v1/expansion/opportunities/{id}', {
          params: { path: { id: v.o.id } },
          body: { stage: v.stage, ...(v.lostReason ? { lostReason: v.lostReason } : {}) },
        }),
      ),
    onSuccess: (o) => {
      notifications.show({ color: 'teal', message: `${o.title}: ${STAGE_LABEL[o.stage]}` });
      void qc.invalidateQueries({ queryKey: ['expansion'] });
      void qc.invalidateQueries({ queryKey: ['timeline'] });
    },
  });
}

interface Move {
  o: Opportunity;
  stage: Stage;
}

function LostModal({ move, onClose }: { move: Move | null; onClose: () => void }) {
  const mutation = useMove();
  return (
    <ReasonModal
      opened={move !== null}
      title={`Mark ${move?.o.title ?? 'the opportunity'} lost`}
      hint="Say why it was lost, in a few words."
      submitLabel="Mark lost"
      pending={mutation.isPending}
      reasonField="lostReason"
      onClose={onClose}
      onSubmit={(lostReason) =>
        move ? mutation.mutateAsync({ ...move, lostReason }) : Promise.resolve()
      }
    />
  );
}

function OpportunityCard({
  o,
  canEdit,
  onMove,
}: {
  o: Opportunity;
  canEdit: boolean;
  onMove: (m: Move) => void;
}) {
  const next = canEdit ? nextStages(o.stage) : [];
  return (
    <Paper withBorder radius="sm" p="xs" data-testid="opportunity">
      <Group justify="space-between" wrap="nowrap" gap={4} align="flex-start">
        <div style={{ minWidth: 0 }}>
          <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
            {o.title}
          </Text>
          <Anchor component={Link} to={`/accounts/${o.accountId}`} size="xs">
            {o.accountName ?? 'Account'}
          </Anchor>
        </div>
        {next.length > 0 && (
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <ActionIcon variant="subtle" color="gray" aria-label={`Move ${o.title}`}>
                <IconDots size={16} />
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>Move to</Menu.Label>
              {next.map((s) => (
                <Menu.Item key={s} onClick={() => onMove({ o, stage: s })}>
                  {STAGE_LABEL[s]}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
        )}
      </Group>
      <Text size="xs" mt={4}>
        {money(o.amountMinor, o.currency)} ARR
      </Text>
      {o.lostReason && (
        <Text size="xs" c="red">
          Lost: {o.lostReason}
        </Text>
      )}
    </Paper>
  );
}

/**
 * The expansion pipeline: identified → qualified → proposed → won or lost. Moves go forward
 * (or to lost, with a reason); won books the added ARR as revenue, so it asks first.
 */
export function Opportunities({
  items,
  canEdit,
}: {
  items: Opportunity[];
  canEdit: (o: Opportunity) => boolean;
}) {
  const move = useMove();
  const [winning, setWinning] = useState<Move | null>(null);
  const [losing, setLosing] = useState<Move | null>(null);
  const [error, setError] = useState<string | null>(null);
  const onMove = (m: Move) => {
    if (m.stage === 'lost') setLosing(m);
    else if (m.stage === 'won') setWinning(m);
    else
      move.mutate(m, {
        onError: (err) =>
          notifications.show({ color: 'red', title: 'Not moved', message: messageOf(err) }),
      });
  };
  return (
    <Paper
      withBorder
      radius="md"
      p="xs"
      role="region"
      aria-label="Opportunity pipeline"
      tabIndex={0}
      style={{ overflowX: 'auto' }}
    >
      <div
        style={{
          display: 'grid',
          gridTemplateColumns: `repeat(${STAGES.length}, minmax(200px, 1fr))`,
          gap: 8,
          alignItems: 'start',
        }}
      >
        {STAGES.map((s) => {
          const list = items.filter((o) => o.stage === s);
          return (
            <Stack key={s} gap={6} data-testid="stage-column" data-stage={s}>
              <Group justify="space-between" gap={4}>
                <Badge variant="light" color={STAGE_COLOR[s]} style={{ minWidth: 'max-content' }}>
                  {STAGE_LABEL[s]}
                </Badge>
                <Text size="xs" fw={600}>
                  {list.length}
                </Text>
              </Group>
              {list.map((o) => (
                <OpportunityCard key={o.id} o={o} canEdit={canEdit(o)} onMove={onMove} />
              ))}
            </Stack>
          );
        })}
      </div>
      <Confirm
        opened={winning !== null}
        title={`Won: ${winning?.o.title ?? ''}`}
        action="Mark won"
        color="teal"
        pending={move.isPending}
        error={error}
        onConfirm={() =>
          winning &&
          move.mutate(winning, {
            onSuccess: () => {
              setError(null);
              setWinning(null);
            },
            onError: (err) => setError(messageOf(err)),
          })
        }
        onClose={() => {
          setError(null);
          setWinning(null);
        }}
      >
        Winning books the added ARR
        {winning ? ` (${money(winning.o.amountMinor, winning.o.currency)})` : ''} as an expansion on
        the account’s subscription. It cannot be moved again afterwards.
      </Confirm>
      <LostModal move={losing} onClose={() => setLosing(null)} />
    </Paper>
  );
}
