/**
 * A time-lapse clock for rehearsing the scheduler: simulated time starts at `from` when the
 * real clock reads `anchor` (epoch ms) and runs `speed` times faster. Processes given the
 * same value agree on the time. Read from TENURE_TIME_LAPSE="from,anchor,speed" by
 * `tenure worker` only; never set it on a real installation.
 */
export function timeLapse(spec: string | undefined): { now: () => Date; speed: number } | null {
  if (!spec) return null;
  const [fromText, anchorText, speedText] = spec.split(',');
  const from = Date.parse(fromText ?? '');
  const anchor = Number(anchorText);
  const speed = Number(speedText);
  if (!Number.isFinite(from) || !Number.isFinite(anchor) || !(speed > 0))
    throw new Error(
      `TENURE_TIME_LAPSE: expected "from-instant,anchor-epoch-ms,speed", got "${spec}"`,
    );
  return { now: () => new Date(from + (Date.now() - anchor) * speed), speed };
}
