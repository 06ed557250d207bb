import { Box, Center, Container, Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Logo } from './Logo';

/** The frame of the sign-in and setup pages. */
export function AuthFrame({ children }: { children: ReactNode }) {
  return (
    <Box component="main" mih="100vh" bg="var(--mantine-color-body)">
      <Container size={420} py={64}>
        <Center mb="lg">
          <Group gap="xs">
            <Logo size={32} />
            <Text fw={700} size="xl">
              Tenure
            </Text>
          </Group>
        </Center>
        {children}
      </Container>
    </Box>
  );
}
