/**
 * The ROC curve of a health score against churn (C4), for drawing next to the AUC. Pure.
 *
 * An account is flagged when its score is at or below a threshold (a low score means risk):
 * the true positive rate is the share of churned accounts flagged, the false positive rate
 * the share of retained ones. Sweeping the threshold up through every distinct score walks
 * from (0, 0) (nothing flagged) to (1, 1) (everything flagged); the area under the straight
 * segments between those points is exactly the AUC, ties counting half.
 */

export interface RocPoint {
  /** Share (0–1) of retained accounts flagged. */
  fpr: number;
  /** Share (0–1) of churned accounts flagged. */
  tpr: number;
  /** Accounts scoring at or below this are flagged; null for the start, where none is. */
  threshold: number | null;
}

/** Enough to draw a smooth curve, small enough to store with every report. */
export const MAX_ROC_POINTS = 101;

export function rocCurve(
  scores: readonly number[],
  churned: readonly boolean[],
  maxPoints = MAX_ROC_POINTS,
): RocPoint[] {
  if (scores.length !== churned.length)
    throw new RangeError('scores and outcomes differ in length');
  if (!Number.isInteger(maxPoints) || maxPoints < 2)
    throw new RangeError('maxPoints must be 2 or more');
  const positives = churned.filter((c) => c).length;
  const negatives = churned.length - positives;
  if (positives === 0 || negatives === 0) return [];
  const order = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: null }];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length;) {
    const s = scores[order[k]!]!;
    // Every account with the same score is flagged at once: one point per distinct score.
    while (k < order.length && scores[order[k]!] === s) {
      if (churned[order[k]!]) tp++;
      else fp++;
      k++;
    }
    points.push({ fpr: fp / negatives, tpr: tp / positives, threshold: s });
  }
  return thin(points, maxPoints);
}

/** Evenly spaced points of the curve, always keeping its first and last. */
function thin(points: RocPoint[], max: number): RocPoint[] {
  if (points.length <= max) return points;
  const out: RocPoint[] = [];
  for (let i = 0; i < max; i++)
    out.push(points[Math.round((i * (points.length - 1)) / (max - 1))]!);
  return out;
}

/** Area under the curve by trapezoids (equals the AUC when no point was thinned out). */
export function rocArea(points: readonly RocPoint[]): number {
  let area = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    area += ((b.fpr - a.fpr) * (a.tpr + b.tpr)) / 2;
  }
  return area;
}
