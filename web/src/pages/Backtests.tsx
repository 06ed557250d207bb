import { Anchor, Breadcrumbs, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { fetchBacktest } from '../components/health/backtest';
import { BacktestList } from '../components/health/BacktestList';
import { BacktestReportView } from '../components/health/BacktestReport';
import { RunBacktest } from '../components/health/RunBacktest';
import { ErrorState, Loading } from '../components/States';
import { day, relative } from '../lib/format';
import { mayEditModels, useUser } from '../lib/session';

function BacktestDetail({ id }: { id: string }) {
  const backtest = useQuery({
    queryKey: ['backtest', id],
    queryFn: () => fetchBacktest(id),
    // A report never changes once run.
    staleTime: Infinity,
  });
  if (backtest.isPending) return <Loading label="Loading the backtest" />;
  if (backtest.isError)
    return <ErrorState error={backtest.error} retry={() => void backtest.refetch()} />;
  const b = backtest.data;
  return (
    <Stack gap="md">
      <Breadcrumbs>
        <Anchor component={Link} to="/backtests" size="sm">
          Backtests
        </Anchor>
        <Text size="sm">{day(b.createdAt)}</Text>
      </Breadcrumbs>
      <div>
        <Title order={1} size="h2">
          Backtest of{' '}
          <Anchor component={Link} to={`/models/${b.model.key}`} inherit>
            {b.model.name}
          </Anchor>{' '}
          v{b.model.version}
        </Title>
        <Text size="sm" c="dimmed">
          Each outcome from {day(b.params.from)} to {day(b.params.to)} scored {b.params.horizonDays}{' '}
          days ahead; weights fitted on outcomes up to {day(b.params.trainUntil)}. Run{' '}
          {relative(b.createdAt)}.
        </Text>
      </div>
      <BacktestReportView backtest={b} />
    </Stack>
  );
}

/** /backtests lists them (admins run new ones); /backtests/:id opens a report. */
export default function Backtests() {
  const { id } = useParams();
  const user = useUser();
  const [params] = useSearchParams();
  const model = params.get('model');
  if (id) return <BacktestDetail key={id} id={id} />;
  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h2">
          Backtests
        </Title>
        <Text size="sm" c="dimmed">
          How well each health model predicted real renewals and churns on your own history.
        </Text>
      </div>
      {mayEditModels(user) ? (
        <RunBacktest initialModel={model} />
      ) : (
        <Text size="sm" c="dimmed">
          Admins run backtests; everyone can read them.
        </Text>
      )}
      <BacktestList model={model} />
    </Stack>
  );
}
