import {
  Badge,
  Group,
  Paper,
  Table,
  Text,
  Title,
  UnstyledButton,
  type BadgeProps,
} from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconLock } from '@tabler/icons-react';
import { useDebouncedCallback } from '@mantine/hooks';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';

/** Pieces the data and admin pages share: heading, table frame, sort headers, URL state. */

export function PageHead({
  title,
  description,
  children,
}: {
  title: string;
  description: string;
  children?: ReactNode;
}) {
  return (
    <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
      <div>
        <Title order={1} size="h2">
          {title}
        </Title>
        <Text size="sm" c="dimmed">
          {description}
        </Text>
      </div>
      {children && <Group gap="xs">{children}</Group>}
    </Group>
  );
}

/**
 * A table that scrolls sideways on a phone instead of widening the page. The frame is a
 * focusable, named region so keyboard users can scroll it too (axe asks for that).
 */
export function TableFrame({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Paper
      withBorder
      radius="md"
      role="region"
      aria-label={label}
      tabIndex={0}
      style={{ overflowX: 'auto' }}
    >
      {children}
    </Paper>
  );
}

/** A badge in a table cell: never cut down to "WR…" when the table squeezes its column. */
export function CellBadge({ children, ...props }: BadgeProps & { children: ReactNode }) {
  return (
    <Badge variant="light" {...props} style={{ minWidth: 'max-content' }}>
      {children}
    </Badge>
  );
}

/** What a non-admin sees on an admin page: a plain statement, not an error. */
export function OnlyAdmins({ what }: { what: string }) {
  return (
    <Paper withBorder radius="md" p="xl" data-testid="only-admins">
      <Group gap="sm" wrap="nowrap" justify="center">
        <IconLock size={20} aria-hidden style={{ flexShrink: 0 }} />
        <div>
          <Text fw={600}>Only admins can {what}.</Text>
          <Text size="sm" c="dimmed">
            Ask an admin of this Tenure if you need a change here.
          </Text>
        </div>
      </Group>
    </Paper>
  );
}

export type Dir = 'asc' | 'desc';

/** A column header that sorts by its field, announcing the order to screen readers. */
export function SortTh<F extends string>({
  label,
  field,
  sort,
  dir,
  onSort,
}: {
  label: string;
  field: F;
  sort: F;
  dir: Dir;
  onSort: (f: F) => void;
}) {
  const active = field === sort;
  return (
    <Table.Th aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}>
      <UnstyledButton onClick={() => onSort(field)} fw={700} fz="sm">
        <Group gap={4} wrap="nowrap">
          {label}
          {active && (dir === 'asc' ? <IconArrowUp size={12} /> : <IconArrowDown size={12} />)}
        </Group>
      </UnstyledButton>
    </Table.Th>
  );
}

export { oneOf } from '../../lib/url';

/** The page's search parameters and a setter that patches them (empty values are dropped). */
export function useUrlState() {
  const [params, setParams] = useSearchParams();
  // From the latest parameters, so two fields changed in one moment both stay.
  const set = (patch: Record<string, string | null | undefined>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(patch)) {
          if (v) next.set(k, v);
          else next.delete(k);
        }
        return next;
      },
      { replace: true },
    );
  return [params, set] as const;
}

/**
 * A text filter held in the URL: typing updates the field at once and the URL a moment later;
 * a change of the URL from elsewhere (a link, the back button) updates the field.
 */
export function useTextParam(name: string) {
  const [params, set] = useUrlState();
  const fromUrl = params.get(name) ?? '';
  const [value, setValue] = useState(fromUrl);
  const pushed = useRef(fromUrl);
  const push = useDebouncedCallback((v: string) => {
    pushed.current = v;
    set({ [name]: v.trim() });
  }, 250);
  useEffect(() => {
    // Only a change made elsewhere: our own pushes would undo keystrokes typed since.
    if (fromUrl !== pushed.current.trim()) {
      pushed.current = fromUrl;
      setValue(fromUrl);
    }
  }, [fromUrl]);
  const onChange = (v: string) => {
    setValue(v);
    push(v);
  };
  return [value, onChange] as const;
}

/**
 * The last value that was not null: a modal keeps showing its record (and its title, which
 * names the dialog) while it fades out after the record is cleared.
 */
export function useLast<T>(value: T | null): T | null {
  const last = useRef(value);
  if (value !== null) last.current = value;
  return last.current;
}
