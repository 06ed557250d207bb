/** `v` when it is one of `options` (a URL parameter checked against what a page knows), else null. */
export const oneOf = <T extends string>(v: string | null, options: readonly T[]): T | null =>
  v !== null && (options as readonly string[]).includes(v) ? (v as T) : null;
