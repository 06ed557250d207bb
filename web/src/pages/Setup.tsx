import { Button, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { api, messageOf, unwrap } from '../api/client';
import { AuthFrame } from '../components/AuthFrame';
import { Loading } from '../components/States';
import { FormError } from '../components/FormError';

/** First run: the first admin. The page is gone once one exists. */
export function Setup() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const needed = useQuery({
    queryKey: ['setup-needed'],
    queryFn: () => unwrap(api.GET('/api/v1/auth/setup')),
  });
  if (needed.isPending) return <Loading />;
  if (!needed.data?.needed) return <Navigate to="/signin" replace />;

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await unwrap(
        api.POST('/api/v1/auth/setup', {
          body: {
            name: String(form.get('name')),
            email: String(form.get('email')),
            password: String(form.get('password')),
          },
        }),
      );
      qc.setQueryData(['setup-needed'], { needed: false });
      await qc.invalidateQueries({ queryKey: ['session'] });
      navigate('/portfolio', { replace: true });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame>
      <Paper
        withBorder
        p="xl"
        radius="md"
        component="form"
        onSubmit={submit}
        aria-label="Create the first admin"
      >
        <Stack>
          <Title order={1} size="h3">
            Create the first admin
          </Title>
          <Text size="sm" c="dimmed">
            No one can sign in yet. The account you create here is an admin; this page then
            disappears.
          </Text>
          <TextInput label="Name" name="name" autoComplete="name" required />
          <TextInput label="Email" name="email" type="email" autoComplete="username" required />
          <PasswordInput
            label="Password"
            description="At least 12 characters"
            name="password"
            autoComplete="new-password"
            minLength={12}
            required
          />
          <FormError error={error} />
          <Button type="submit" loading={busy} fullWidth>
            Create admin
          </Button>
        </Stack>
      </Paper>
    </AuthFrame>
  );
}
