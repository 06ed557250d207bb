/** Helpers the benchmarks share: options, stable pseudo-randomness, a free port. */
import { createServer } from 'node:net';

/** A whole-number option such as `--accounts 100_000` (at least 100), or the fallback. */
export function option(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const n = Number((argv[i + 1] ?? '').replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 100) throw new Error(`${name}: expected a whole number ≥ 100`);
  return n;
}

/** A 32-bit mix of n (splitmix-style): stable pseudo-randomness without state. */
export function mix(n: number, salt: number): number {
  let x = (n ^ salt) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** A TCP port free on loopback right now. */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => done(typeof a === 'object' && a ? a.port : 0));
    });
    s.on('error', fail);
  });
}
