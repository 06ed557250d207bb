import type { CSSProperties } from 'react';

/**
 * Mantine draws field errors in red shade 6 (3.3:1 on white); inside this style they use the
 * theme's AA red text instead. A custom property, so every field below inherits it.
 */
export const aaErrors = {
  '--mantine-color-error': 'var(--mantine-color-red-text)',
} as CSSProperties;
