import { Center, Loader } from '@mantine/core';
import { Suspense, useEffect, type ReactNode } from 'react';

/** A routed page: sets the document title and shows a loader while its code arrives. */
export function Page({ title, lazy }: { title: string; lazy: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Tenure`;
  }, [title]);
  return (
    <Suspense
      fallback={
        <Center h={240}>
          <Loader role="status" aria-label="Loading" />
        </Center>
      }
    >
      {lazy}
    </Suspense>
  );
}
