import { hash, verify } from '@node-rs/argon2';
import commonPasswords from 'fxa-common-password-list';

/**
 * argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane); @node-rs/argon2 defaults to the
 * argon2id variant, and the stored hash records every parameter so they can be raised later.
 */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

/**
 * Why a new password is refused, or null. Length and a list of common passwords only:
 * composition rules make passwords worse, not better (NIST 800-63B, ASVS 6.2).
 */
export function passwordProblem(
  password: string,
  context: { email?: string; name?: string } = {},
): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`;
  if (length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`;
  const lower = password.toLowerCase();
  if (commonPasswords.test(lower) || commonPasswords.test(password)) {
    return 'is on the list of commonly used passwords';
  }
  const email = context.email?.toLowerCase();
  if (email && (lower === email || lower === email.split('@')[0]))
    return 'must not be your email address';
  if (context.name && lower === context.name.toLowerCase()) return 'must not be your name';
  return null;
}

export async function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    // A malformed stored hash never matches.
    return false;
  }
}

/** A hash of a random password, verified against when the user does not exist, so timing does not tell. */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword('tenure-no-such-user-placeholder');
  return dummy;
}
