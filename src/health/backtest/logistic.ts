/**
 * L2-regularised logistic regression for the backtest's fitted weights and calibration.
 * Pure and deterministic: the same data always gives the same coefficients.
 */

export interface LogisticOptions {
  /**
   * L2 penalty λ on the standardised coefficients (the intercept is not penalised): the fit
   * minimises Σ log-loss + λ/2 · Σ b². λ ≈ 1 barely shrinks thousands of samples.
   */
  l2: number;
  maxIter?: number;
  /** Stop when no standardised coefficient moves by more than this. */
  tol?: number;
}

export interface LogisticModel {
  /** On the original scale of the features. */
  intercept: number;
  coefficients: number[];
  iterations: number;
  converged: boolean;
}

export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

/**
 * Solve H·x = g for a symmetric positive definite H (row-major k×k) by Cholesky. A ridge
 * on the diagonal keeps H definite, so the decomposition cannot fail for our callers.
 */
function choleskySolve(h: Float64Array, g: Float64Array, k: number): Float64Array {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = h[i * k + j]!;
      for (let p = 0; p < j; p++) s -= l[i * k + p]! * l[j * k + p]!;
      if (i === j) l[i * k + i] = Math.sqrt(Math.max(s, 1e-300));
      else l[i * k + j] = s / l[j * k + j]!;
    }
  }
  const z = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = g[i]!;
    for (let p = 0; p < i; p++) s -= l[i * k + p]! * z[p]!;
    z[i] = s / l[i * k + i]!;
  }
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let p = i + 1; p < k; p++) s -= l[p * k + i]! * x[p]!;
    x[i] = s / l[i * k + i]!;
  }
  return x;
}

/**
 * L2-regularised logistic regression (y = 1 is the event) by Newton's method (IRLS) with
 * step halving, on standardised features; coefficients come back on the original scale.
 * Constant columns get coefficient 0. A tiny ridge on the intercept keeps a one-class `y`
 * (or perfect separation with l2 = 0) finite instead of running to infinity.
 */
export function logisticFit(
  X: readonly (readonly number[])[],
  y: readonly (0 | 1)[],
  opts: LogisticOptions,
): LogisticModel {
  const n = X.length;
  if (n !== y.length) throw new RangeError('X and y differ in length');
  const p = n === 0 ? 0 : X[0]!.length;
  const lambda = Math.max(opts.l2, 1e-6);
  const maxIter = opts.maxIter ?? 100;
  const tol = opts.tol ?? 1e-9;
  if (n === 0) return { intercept: 0, coefficients: [], iterations: 0, converged: true };

  // Standardise: column j of Z is (x − mean) / sd, or all zeros when the column is constant.
  const mean = new Float64Array(p);
  const sd = new Float64Array(p);
  for (const row of X) {
    if (row.length !== p) throw new RangeError('rows of X differ in length');
    for (let j = 0; j < p; j++) mean[j]! += row[j]!;
  }
  for (let j = 0; j < p; j++) mean[j]! /= n;
  for (const row of X) for (let j = 0; j < p; j++) sd[j]! += (row[j]! - mean[j]!) ** 2;
  for (let j = 0; j < p; j++) sd[j] = Math.sqrt(sd[j]! / n);
  const k = p + 1;
  const z = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const row = X[i]!;
    z[i * k] = 1;
    for (let j = 0; j < p; j++) {
      const s = sd[j]!;
      z[i * k + j + 1] = s > 1e-12 * (1 + Math.abs(mean[j]!)) ? (row[j]! - mean[j]!) / s : 0;
    }
  }
  const penalty = new Float64Array(k).fill(lambda);
  penalty[0] = 1e-8;

  const eta = new Float64Array(n);
  const linear = (b: Float64Array) => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += z[i * k + j]! * b[j]!;
      eta[i] = s;
    }
  };
  const objective = (b: Float64Array) => {
    linear(b);
    let f = 0;
    for (let i = 0; i < n; i++) f += softplus(eta[i]!) - y[i]! * eta[i]!;
    for (let j = 0; j < k; j++) f += (penalty[j]! * b[j]! * b[j]!) / 2;
    return f;
  };

  let b = new Float64Array(k);
  let f = objective(b);
  let iterations = 0;
  let converged = false;
  const g = new Float64Array(k);
  const h = new Float64Array(k * k);
  while (iterations < maxIter) {
    iterations++;
    linear(b);
    g.fill(0);
    h.fill(0);
    for (let i = 0; i < n; i++) {
      const pr = sigmoid(eta[i]!);
      const w = pr * (1 - pr);
      const r = y[i]! - pr;
      const off = i * k;
      for (let a = 0; a < k; a++) {
        const za = z[off + a]!;
        if (za === 0) continue;
        g[a]! += za * r;
        const wa = w * za;
        for (let c = 0; c <= a; c++) h[a * k + c]! += wa * z[off + c]!;
      }
    }
    for (let a = 0; a < k; a++) {
      g[a]! -= penalty[a]! * b[a]!;
      h[a * k + a]! += penalty[a]!;
      for (let c = 0; c < a; c++) h[c * k + a] = h[a * k + c]!;
    }
    const step = choleskySolve(h, g, k);
    // Step halving: Newton can overshoot where the curvature is nearly flat (separation).
    let t = 1;
    let next = new Float64Array(k);
    let fNext = Infinity;
    for (let half = 0; half < 40; half++) {
      for (let j = 0; j < k; j++) next[j] = b[j]! + t * step[j]!;
      fNext = objective(next);
      if (fNext <= f + 1e-12 * Math.abs(f)) break;
      t /= 2;
    }
    if (!(fNext <= f + 1e-12 * Math.abs(f))) {
      converged = true; // no step improves: we are at the optimum to machine precision
      break;
    }
    let moved = 0;
    for (let j = 0; j < k; j++) moved = Math.max(moved, Math.abs(next[j]! - b[j]!));
    [b, next] = [next, b];
    f = fNext;
    if (moved < tol) {
      converged = true;
      break;
    }
  }

  const coefficients = new Array<number>(p);
  let intercept = b[0]!;
  for (let j = 0; j < p; j++) {
    const s = sd[j]!;
    const active = s > 1e-12 * (1 + Math.abs(mean[j]!));
    coefficients[j] = active ? b[j + 1]! / s : 0;
    if (active) intercept -= (b[j + 1]! * mean[j]!) / s;
  }
  return { intercept, coefficients, iterations, converged };
}

/** The model's log-odds for one row of features. */
export function linearPredictor(model: LogisticModel, x: readonly number[]): number {
  let s = model.intercept;
  for (let j = 0; j < model.coefficients.length; j++) s += model.coefficients[j]! * x[j]!;
  return s;
}

/** Predicted probability of the event (y = 1) for each row. */
export function predict(model: LogisticModel, X: readonly (readonly number[])[]): number[] {
  return X.map((x) => sigmoid(linearPredictor(model, x)));
}
