import { AppError } from './errors.js';

/** Opaque cursor: the sort value and id of the last row returned. */
export interface Cursor {
  v: string | number | null;
  id: string;
  /** The sort the cursor was made for; a cursor only continues the list it came from. */
  s?: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c.s ? [c.v, c.id, c.s] : [c.v, c.id])).toString('base64url');
}

export function decodeCursor(text: string, sort?: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      (parsed.length === 2 || parsed.length === 3) &&
      (parsed[2] ?? sort) === sort &&
      typeof parsed[1] === 'string' &&
      (parsed[0] === null || typeof parsed[0] === 'string' || typeof parsed[0] === 'number')
    ) {
      return { v: parsed[0] as string | number | null, id: parsed[1], s: sort };
    }
  } catch {
    // fall through to the validation error
  }
  throw new AppError('validation', 'cursor: not a cursor returned by this list with this sort', {
    issues: [{ path: 'cursor', message: 'invalid cursor' }],
  });
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
