import {
  Anchor,
  Button,
  Divider,
  Paper,
  PasswordInput,
  Stack,
  TextInput,
  Title,
  Text,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { api, messageOf, unwrap } from '../api/client';
import { useSession } from '../lib/session';
import { AuthFrame } from '../components/AuthFrame';
import { FormError } from '../components/FormError';

/** Only same-site paths are followed after sign-in. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/portfolio';
}

export function SignIn() {
  const session = useSession();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<string | null>(params.get('error'));
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get('next'));
  if (session.data?.user) return <Navigate to={next} replace />;

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await unwrap(
        api.POST('/api/v1/auth/login', {
          body: { email: String(form.get('email')), password: String(form.get('password')) },
        }),
      );
      await qc.invalidateQueries({ queryKey: ['session'] });
      navigate(next, { replace: true });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame>
      <Paper withBorder p="xl" radius="md" component="form" onSubmit={submit} aria-label="Sign in">
        <Stack>
          <Title order={1} size="h3">
            Sign in
          </Title>
          <TextInput label="Email" name="email" type="email" autoComplete="username" required />
          <PasswordInput
            label="Password"
            name="password"
            autoComplete="current-password"
            required
          />
          <FormError error={error} />
          <Button type="submit" loading={busy} fullWidth>
            Sign in
          </Button>
          <Divider label="or" labelPosition="center" />
          <Button component="a" href="/api/v1/auth/oidc/login" variant="default" fullWidth>
            Sign in with single sign-on
          </Button>
          <Text size="xs" c="dimmed" ta="center">
            Single sign-on works when your admin has connected an identity provider.{' '}
            <Anchor href="/api/docs" size="xs">
              API docs
            </Anchor>
          </Text>
        </Stack>
      </Paper>
    </AuthFrame>
  );
}
