import {
  createTheme,
  MantineProvider,
  Modal,
  MultiSelect,
  Notification,
  Select,
  type CSSVariablesResolver,
} from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy } from 'react';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { ApiError } from './api/client';
import { Shell } from './components/Shell';
import { RequireSession } from './components/RequireSession';
import { SignIn } from './pages/SignIn';
import { Setup } from './pages/Setup';
import { Page } from './components/Page';
// The landing page comes with the first load: one round trip fewer before the book shows.
import Portfolio, { portfolioQuery } from './pages/Portfolio';
import { viewFromParams } from './lib/portfolio';

const Account = lazy(() => import('./pages/Account'));
const Alerts = lazy(() => import('./pages/Alerts'));
const Tasks = lazy(() => import('./pages/Tasks'));
const Playbooks = lazy(() => import('./pages/Playbooks'));
const Rules = lazy(() => import('./pages/Rules'));
const Team = lazy(() => import('./pages/Team'));
const Outbox = lazy(() => import('./pages/admin/Outbox'));
const Jobs = lazy(() => import('./pages/admin/Jobs'));
const RenewalSettings = lazy(() => import('./pages/admin/RenewalSettings'));
const Profile = lazy(() => import('./pages/Profile'));
const NotFound = lazy(() => import('./pages/NotFound'));
const Models = lazy(() => import('./pages/Models'));
const Backtests = lazy(() => import('./pages/Backtests'));
const Import = lazy(() => import('./pages/Import'));
const Ingestion = lazy(() => import('./pages/admin/Ingestion'));
const Catalog = lazy(() => import('./pages/admin/Catalog'));
const Users = lazy(() => import('./pages/admin/Users'));
const Keys = lazy(() => import('./pages/admin/Keys'));
const Audit = lazy(() => import('./pages/admin/Audit'));
const Renewals = lazy(() => import('./pages/Renewals'));
const Forecast = lazy(() => import('./pages/Forecast'));
const Quotes = lazy(() => import('./pages/Quotes'));
const Quote = lazy(() => import('./pages/Quote'));
const Expansion = lazy(() => import('./pages/Expansion'));

const theme = createTheme({
  primaryColor: 'indigo',
  // Shade 8 keeps links, active navigation and light buttons at WCAG AA contrast.
  primaryShade: { light: 8, dark: 4 },
  defaultRadius: 'md',
  // Icon-only buttons Mantine draws get a name a screen reader can say.
  components: {
    Notification: Notification.extend({
      defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss' } },
    }),
    Select: Select.extend({ defaultProps: { clearButtonProps: { 'aria-label': 'Clear' } } }),
    MultiSelect: MultiSelect.extend({
      defaultProps: { clearButtonProps: { 'aria-label': 'Clear' } },
    }),
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
  },
  fontFamily:
    'Inter, ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
});

/**
 * Text dark enough for WCAG AA on white and on the tinted backgrounds of light badges and
 * buttons: Mantine's defaults (dimmed grey, shade-6 coloured text) measure 2.5–4:1.
 */
const AA_TEXT: Record<string, string> = {
  red: '#b02525',
  orange: '#a33b0b',
  yellow: '#6e4b00',
  teal: '#05614a',
  indigo: '#3142b0',
  gray: '#3d4248',
};

const resolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': '#5c636a',
    // Field errors under inputs, AA on white (Mantine's red measures 4.3:1).
    '--mantine-color-error': AA_TEXT.red!,
    ...Object.fromEntries(
      Object.entries(AA_TEXT).flatMap(([c, v]) => [
        [`--mantine-color-${c}-light-color`, v],
        [`--mantine-color-${c}-text`, v],
      ]),
    ),
  },
  dark: { '--mantine-color-dimmed': '#a6a7ab' },
});

/** A 401 anywhere means the session is gone: forget it, and the router sends the user to sign in. */
function onError(err: unknown): void {
  if (err instanceof ApiError && err.status === 401) queryClient.setQueryData(['session'], null);
}

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    queries: {
      retry: (count, err) => !(err instanceof ApiError && err.status < 500) && count < 2,
      refetchOnWindowFocus: false,
      staleTime: 30_000,
    },
  },
});

// Opening the portfolio, its data is asked for while the app starts, not after it renders.
if (window.location.pathname === '/portfolio' || window.location.pathname === '/') {
  const scope = viewFromParams(new URLSearchParams(window.location.search)).scope;
  void queryClient.prefetchQuery(portfolioQuery(scope));
}

const router = createBrowserRouter([
  { path: '/signin', element: <SignIn /> },
  { path: '/setup', element: <Setup /> },
  {
    element: <RequireSession />,
    children: [
      {
        element: <Shell />,
        children: [
          { index: true, element: <Navigate to="/portfolio" replace /> },
          { path: 'portfolio', element: <Page title="Portfolio" lazy={<Portfolio />} /> },
          { path: 'accounts/:id', element: <Page title="Account" lazy={<Account />} /> },
          { path: 'alerts', element: <Page title="Alerts" lazy={<Alerts />} /> },
          { path: 'tasks', element: <Page title="Tasks" lazy={<Tasks />} /> },
          { path: 'playbooks', element: <Page title="Playbooks" lazy={<Playbooks />} /> },
          { path: 'playbooks/:key', element: <Page title="Playbook" lazy={<Playbooks />} /> },
          { path: 'rules', element: <Page title="Rules" lazy={<Rules />} /> },
          { path: 'rules/:key', element: <Page title="Rule" lazy={<Rules />} /> },
          { path: 'team', element: <Page title="Team" lazy={<Team />} /> },
          { path: 'renewals', element: <Page title="Renewals" lazy={<Renewals />} /> },
          {
            path: 'renewals/forecast',
            element: <Page title="Renewal forecast" lazy={<Forecast />} />,
          },
          { path: 'quotes', element: <Page title="Quotes" lazy={<Quotes />} /> },
          { path: 'quotes/new', element: <Page title="New quote" lazy={<Quote />} /> },
          { path: 'quotes/:id', element: <Page title="Quote" lazy={<Quote />} /> },
          { path: 'expansion', element: <Page title="Expansion" lazy={<Expansion />} /> },
          { path: 'profile', element: <Page title="Profile" lazy={<Profile />} /> },
          { path: 'models', element: <Page title="Health models" lazy={<Models />} /> },
          { path: 'models/:key', element: <Page title="Health model" lazy={<Models />} /> },
          { path: 'backtests', element: <Page title="Backtests" lazy={<Backtests />} /> },
          { path: 'backtests/:id', element: <Page title="Backtest" lazy={<Backtests />} /> },
          { path: 'import', element: <Page title="Import" lazy={<Import />} /> },
          { path: 'data/ingestion', element: <Page title="Ingestion" lazy={<Ingestion />} /> },
          { path: 'data/catalog', element: <Page title="Event catalog" lazy={<Catalog />} /> },
          { path: 'admin/users', element: <Page title="Users" lazy={<Users />} /> },
          { path: 'admin/keys', element: <Page title="API keys" lazy={<Keys />} /> },
          { path: 'admin/outbox', element: <Page title="Outbox" lazy={<Outbox />} /> },
          { path: 'admin/jobs', element: <Page title="Jobs" lazy={<Jobs />} /> },
          {
            path: 'admin/renewals',
            element: <Page title="Renewal settings" lazy={<RenewalSettings />} />,
          },
          { path: 'admin/audit', element: <Page title="Audit log" lazy={<Audit />} /> },
          { path: '*', element: <Page title="Not found" lazy={<NotFound />} /> },
        ],
      },
    ],
  },
]);

export function App() {
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto" cssVariablesResolver={resolver}>
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  );
}
