import { Alert } from '@mantine/core';

/** Why a form was refused, announced to screen readers. */
export function FormError({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <Alert color="red" role="alert" p="xs">
      {error}
    </Alert>
  );
}
