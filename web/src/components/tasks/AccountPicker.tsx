import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';

export interface AccountRef {
  id: string;
  name: string;
}

/**
 * An account found by typing part of its name (the server searches, so a book of thousands
 * never loads whole into the page).
 */
export function AccountPicker({
  value,
  onChange,
  error,
  description = 'Leave empty for a task that is not about one account',
}: {
  value: AccountRef | null;
  onChange: (a: AccountRef | null) => void;
  error?: string;
  description?: string;
}) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 200);
  // Typing the chosen account's own name again is not a new search.
  const term = value && q === value.name ? '' : q;
  const found = useQuery({
    queryKey: ['accounts', 'pick', term],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/accounts', { params: { query: { limit: 20, q: term || undefined } } }),
      ),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
  const options = new Map((found.data?.items ?? []).map((a) => [a.id, a.name]));
  if (value) options.set(value.id, value.name);
  return (
    <Select
      label="Account"
      placeholder="Search accounts by name"
      searchable
      clearable
      value={value?.id ?? null}
      searchValue={search}
      onSearchChange={setSearch}
      onChange={(id, option) => onChange(id ? { id, name: option.label } : null)}
      data={[...options].map(([v, label]) => ({ value: v, label }))}
      // The server has matched the words already (name, domain, CRM id), so show all it found.
      filter={({ options: o }) => o}
      nothingFoundMessage={found.isFetching ? 'Searching…' : 'No account matches'}
      description={description}
      error={error}
    />
  );
}
