import { Badge } from '@mantine/core';
import { tierColor } from '../lib/format';

/** Tier colour, name and score, e.g. "Yellow 64". */
export function HealthBadge({ tier, score }: { tier: string | null; score: number | null }) {
  if (score === null && tier === null)
    return (
      <Badge variant="outline" color="gray">
        Not scored
      </Badge>
    );
  return (
    <Badge
      variant="light"
      color={tierColor(tier)}
      title={`Health ${score ?? '—'} (${tier ?? 'no tier'})`}
    >
      {tier ?? '—'} {score === null ? '' : score.toFixed(0)}
    </Badge>
  );
}

/**
 * A 30-day trend line coloured by the latest tier; unscored days break the line.
 * Drawn as one SVG path rather than with the chart library: the portfolio shows one per row,
 * and the library would double the JavaScript its first load needs.
 */
export function TrendSparkline({
  trend,
  tier,
  label,
}: {
  trend: (number | null)[];
  tier: string | null;
  label: string;
}) {
  if (trend.filter((v) => v !== null).length < 2) return null;
  const w = 80;
  const h = 24;
  const step = w / Math.max(1, trend.length - 1);
  // Scaled to the month's own range (at least 10 points tall), so a drop shows as one.
  const values = trend.filter((v): v is number => v !== null);
  const mid = (Math.max(...values) + Math.min(...values)) / 2;
  const span = Math.max(10, Math.max(...values) - Math.min(...values));
  const lo = mid - span / 2;
  let d = '';
  let pen = false;
  trend.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    const x = (i * step).toFixed(1);
    const y = (h - 2 - ((v - lo) / span) * (h - 4)).toFixed(1);
    d += `${pen ? 'L' : 'M'}${x} ${y}`;
    pen = true;
  });
  return (
    <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label}>
      <path
        d={d}
        fill="none"
        stroke={`var(--mantine-color-${tierColor(tier)}-6)`}
        strokeWidth={1.5}
        strokeLinejoin="round"
      />
    </svg>
  );
}
