/** What every bench file's default export returns: figures, mostly ratios against a baseline of the same run. */
export interface BenchFigure {
  readonly label: string;
  readonly value: number;
  readonly unit: string;
  /** The target in words, e.g. `<= 3x`, printed beside the figure. */
  readonly goal?: string;
  /** Whether the figure meets its goal, when it has one. */
  readonly met?: boolean;
}

export interface BenchResult {
  readonly name: string;
  readonly figures: readonly BenchFigure[];
  readonly notes?: readonly string[];
}

export type Bench = () => Promise<BenchResult>;

/** Median of a list of numbers (0 for an empty list). */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** The p-th percentile (nearest rank) of a list of numbers. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
