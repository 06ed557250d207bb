import {
  ActionIcon,
  AppShell,
  Avatar,
  Burger,
  Group,
  Menu,
  NavLink,
  Text,
  Tooltip,
  UnstyledButton,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconActivity,
  IconAlertTriangle,
  IconBolt,
  IconBook,
  IconClockPlay,
  IconSend,
  IconUsersGroup,
  IconBriefcase,
  IconCalendarCog,
  IconCalendarDollar,
  IconChartBar,
  IconChartLine,
  IconFileDollar,
  IconTrendingUp,
  IconChecklist,
  IconFileImport,
  IconHeartbeat,
  IconHistory,
  IconKey,
  IconList,
  IconUsers,
  IconLogout,
  IconMoon,
  IconSun,
  IconUser,
} from '@tabler/icons-react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { useSignOut, useUser, type Role } from '../lib/session';
import { Logo } from './Logo';
import classes from './Shell.module.css';

interface NavItem {
  to: string;
  label: string;
  icon: typeof IconBriefcase;
  /** Shown only to these roles (default: everyone). */
  roles?: Role[];
}

const NAV: { section: string | null; items: NavItem[] }[] = [
  {
    section: null,
    items: [
      { to: '/portfolio', label: 'Portfolio', icon: IconBriefcase },
      { to: '/alerts', label: 'Alerts', icon: IconAlertTriangle },
    ],
  },
  {
    section: 'Work',
    items: [
      { to: '/tasks', label: 'Tasks', icon: IconChecklist },
      { to: '/playbooks', label: 'Playbooks', icon: IconBook },
      { to: '/rules', label: 'Rules', icon: IconBolt },
      { to: '/team', label: 'Team', icon: IconUsersGroup, roles: ['admin', 'manager', 'csm'] },
    ],
  },
  {
    section: 'Revenue',
    items: [
      { to: '/renewals', label: 'Renewals', icon: IconCalendarDollar },
      { to: '/renewals/forecast', label: 'Forecast', icon: IconChartBar },
      { to: '/quotes', label: 'Quotes', icon: IconFileDollar },
      { to: '/expansion', label: 'Expansion', icon: IconTrendingUp },
    ],
  },
  {
    section: 'Health',
    items: [
      { to: '/models', label: 'Health models', icon: IconHeartbeat },
      { to: '/backtests', label: 'Backtests', icon: IconChartLine },
    ],
  },
  {
    section: 'Data',
    items: [
      { to: '/import', label: 'Import', icon: IconFileImport, roles: ['admin', 'manager', 'csm'] },
      { to: '/data/ingestion', label: 'Ingestion', icon: IconActivity },
      { to: '/data/catalog', label: 'Event catalog', icon: IconList },
    ],
  },
  {
    section: 'Admin',
    items: [
      { to: '/admin/users', label: 'Users', icon: IconUsers, roles: ['admin'] },
      { to: '/admin/keys', label: 'API keys', icon: IconKey, roles: ['admin'] },
      { to: '/admin/outbox', label: 'Outbox', icon: IconSend, roles: ['admin'] },
      { to: '/admin/jobs', label: 'Jobs', icon: IconClockPlay, roles: ['admin'] },
      {
        to: '/admin/renewals',
        label: 'Renewal settings',
        icon: IconCalendarCog,
        roles: ['admin'],
      },
      { to: '/admin/audit', label: 'Audit log', icon: IconHistory, roles: ['admin'] },
    ],
  },
];

function ColorSchemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const next = scheme === 'dark' ? 'light' : 'dark';
  return (
    <Tooltip label={`Switch to ${next} mode`}>
      <ActionIcon
        variant="subtle"
        color="gray"
        size="lg"
        aria-label={`Switch to ${next} mode`}
        onClick={() => setColorScheme(next)}
      >
        {scheme === 'dark' ? <IconSun size={18} /> : <IconMoon size={18} />}
      </ActionIcon>
    </Tooltip>
  );
}

function UserMenu() {
  const user = useUser();
  const signOut = useSignOut();
  const navigate = useNavigate();
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <UnstyledButton aria-label={`Account menu for ${user.name}`}>
          <Group gap={8}>
            <Avatar size={30} radius="xl" color="indigo">
              {user.name.slice(0, 1).toUpperCase()}
            </Avatar>
            <Text size="sm" visibleFrom="sm" data-testid="signed-in-as">
              {user.email}
            </Text>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          {user.name} · {user.role}
        </Menu.Label>
        <Menu.Item leftSection={<IconUser size={16} />} component={Link} to="/profile">
          Profile
        </Menu.Item>
        <Menu.Item
          leftSection={<IconLogout size={16} />}
          onClick={() => {
            void signOut().then(() => navigate('/signin'));
          }}
        >
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

/** The signed-in frame: header, navigation (a drawer on phones), the page. */
export function Shell() {
  const user = useUser();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  // The longest entry the path starts with: /renewals/forecast is Forecast, not Renewals.
  const activeNav = NAV.flatMap((g) => g.items)
    .filter((n) => location.pathname.startsWith(n.to))
    .reduce<string | null>((best, n) => (!best || n.to.length > best.length ? n.to : best), null);
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <a
          href="#main"
          className={classes.skip}
          onClick={(e) => {
            // Focus the page itself; a hash in the URL would be one more history entry.
            e.preventDefault();
            document.getElementById('main')?.focus();
          }}
        >
          Skip to content
        </a>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? 'Close navigation' : 'Open navigation'}
            />
            <Link
              to="/portfolio"
              aria-label="Tenure home"
              style={{ textDecoration: 'none', color: 'inherit' }}
            >
              <Group gap={8}>
                <Logo />
                <Text fw={700}>Tenure</Text>
              </Group>
            </Link>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <ColorSchemeToggle />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main" style={{ overflowY: 'auto' }}>
        {NAV.map((group) => {
          const items = group.items.filter((n) => !n.roles || n.roles.includes(user.role));
          if (items.length === 0) return null;
          return (
            <div key={group.section ?? 'main'}>
              {group.section && (
                <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="md" pb={4}>
                  {group.section}
                </Text>
              )}
              {items.map((n) => (
                <NavLink
                  key={n.to}
                  component={Link}
                  to={n.to}
                  label={n.label}
                  leftSection={<n.icon size={18} />}
                  active={activeNav === n.to}
                  onClick={close}
                />
              ))}
            </div>
          );
        })}
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1} className={classes.main}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
