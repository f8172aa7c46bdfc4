/**
 * Benchmark harness: every suite in bench/suites exports `benchmarks`, each a named case that
 * returns one result line. `npm run bench [-- PREFIX]` runs the cases whose name starts with PREFIX.
 */

export interface BenchResult {
  name: string;
  unit: string;
  median: number;
  p95: number;
  n: number;
  /** A verifiable example output (hex strings), when the case produces one. */
  sample?: Record<string, unknown>;
  /** Comparison to a baseline measured in the same run, e.g. { name, median, ratio }. */
  baseline?: Record<string, unknown>;
  /** Anything else worth recording (bytes exchanged, targets…). */
  extra?: Record<string, unknown>;
}

export interface Benchmark {
  name: string;
  run(context: BenchContext): Promise<BenchResult>;
}

/** Results already measured in this run, so later cases can report ratios to baselines. */
export interface BenchContext {
  results: Map<string, BenchResult>;
}

export interface TimingSummary {
  median: number;
  p95: number;
  n: number;
  samplesMs: number[];
}

/** The q-quantile of ascending `sorted` (nearest rank). */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[idx] as number;
}

/** Times `fn` `n` times after `warmup` untimed runs; returns milliseconds. */
export async function timeIt(
  fn: () => unknown | Promise<unknown>,
  options: { n: number; warmup?: number },
): Promise<TimingSummary> {
  for (let i = 0; i < (options.warmup ?? 1); i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < options.n; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: round(quantile(sorted, 0.5)), p95: round(quantile(sorted, 0.95)), n: options.n, samplesMs: samples };
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Ratio of `median` to the named baseline measured earlier in the same run, if present. */
export function ratioTo(
  context: BenchContext,
  baselineName: string,
  median: number,
): Record<string, unknown> | undefined {
  const base = context.results.get(baselineName);
  if (!base) return undefined;
  return { name: baselineName, median: base.median, ratio: round(median / base.median, 2) };
}
