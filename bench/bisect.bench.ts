/**
 * `npm run bench -- bisect`: how many probes bisect spends, against the naive search the seed report
 * did by hand (change one thing at a time: leave-one-out, always one probe per difference). A
 * synthetic oracle hides 1, 2 or 4 culprits among 40 differences at 25 seeded random positions
 * each; the culprits only work together, the hard case for ddmin. Then one real run: seed-v4
 * against the web shape on the simulator, probes and seconds.
 */
import { ddmin, leaveOneOut, type ProbeOutcome } from '../src/bisect/ddmin.js';
import { bisectRequests } from '../src/bisect/bisect-requests.js';
import type { BisectChange, ProbeVerdict } from '../src/bisect/bisect-result.js';
import { shapeCapture, startSession, bisectAgainst } from '../test/bisect/simulator-support.js';
import { median, type BenchFigure, type BenchResult } from './bench-result.js';

const DIFFERENCES = 40;
const TRIALS = 25;

/**
 * Deterministic positions from a small xorshift generator, so every run measures the same cases: anywhere among
 * the 40, or (`within`) among the first few, as when diff's ranking puts the culprits near the top.
 */
function positions(k: number, seed: number, within = DIFFERENCES): number[] {
  let x = (seed * 7919 + k) >>> 0 || 1;
  const picked = new Set<number>();
  while (picked.size < k) {
    // xorshift32 in 32-bit integer arithmetic: exact in JS numbers, unlike a float LCG.
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    picked.add(x % within);
  }
  return [...picked];
}

/** Zeller and Hildebrandt's bounds for ddmin: 2·log2(n) tests for one culprit, (n² + 7n)/2 at worst. */
function ddminBound(k: number): { value: number; words: string } {
  return k === 1
    ? { value: 2 * Math.ceil(Math.log2(DIFFERENCES)) + 2, words: '2·log2(n)+2' }
    : { value: (DIFFERENCES ** 2 + 7 * DIFFERENCES) / 2, words: '(n²+7n)/2' };
}

async function synthetic(k: number, within = DIFFERENCES): Promise<BenchFigure[]> {
  const ddminProbes: number[] = [];
  const bisectProbes: number[] = [];
  let naive = 0;
  for (let trial = 0; trial < TRIALS; trial++) {
    const culprits = positions(k, trial + 1, within);
    const works = (subset: readonly number[]): ProbeOutcome =>
      culprits.every((c) => subset.includes(c)) ? 'works' : 'fails';
    const raw = await ddmin(DIFFERENCES, async (s) => works(s), { budget: 10_000 });
    ddminProbes.push(raw.probes);
    naive = (await leaveOneOut(DIFFERENCES, async (s) => works(s))).probes;
    const changes: BisectChange[] = Array.from({ length: DIFFERENCES }, (_, i) => ({
      id: String(i),
      label: String(i),
    }));
    const result = await bisectRequests<BisectChange, number[]>({
      changes,
      apply: (subset) => subset.map((c) => Number(c.id)),
      probe: async (request): Promise<ProbeVerdict> => ({ outcome: works(request), explanation: '' }),
      good: changes.map((_, i) => i),
      budget: 10_000,
    });
    if (result.verdict !== 'found') throw new Error(`bisect did not find ${culprits} (${result.verdict})`);
    bisectProbes.push(result.culpritProbes);
  }
  const med = median(ddminProbes);
  const worst = Math.max(...ddminProbes);
  const bound = ddminBound(k);
  const label =
    `${k} culprit${k === 1 ? '' : 's'} ` +
    `${within === DIFFERENCES ? `among ${DIFFERENCES}` : `in the top ${within} of ${DIFFERENCES}`}`;
  return [
    { label: `${label}: ddmin probes, median of ${TRIALS}`, value: med, unit: 'probes' },
    {
      label: `${label}: ddmin probes, worst of ${TRIALS}`,
      value: worst,
      unit: 'probes',
      goal: `<= ${bound.value} (ddmin bound ${bound.words})`,
      met: worst <= bound.value,
    },
    { label: `${label}: ddmin / one at a time (${naive}), median`, value: med / naive, unit: 'x' },
    { label: `${label}: whole bisect (baselines, confirm, path), median`, value: median(bisectProbes), unit: 'probes' },
  ];
}

export default async function bench(): Promise<BenchResult> {
  const figures: BenchFigure[] = [];
  for (const k of [1, 2, 4]) figures.push(...(await synthetic(k)));
  figures.push(...(await synthetic(4, 8)));

  const session = await startSession();
  try {
    const web = await shapeCapture(session, 'web');
    const seed = await shapeCapture(session, 'seed-v4');
    const started = performance.now();
    const { result } = await bisectAgainst(session, web, seed);
    const seconds = (performance.now() - started) / 1000;
    const withRequired = performance.now();
    const full = await bisectAgainst(session, web, seed, { required: true, budget: 200 });
    const requiredSeconds = (performance.now() - withRequired) / 1000;
    figures.push(
      {
        label: `seed-v4 vs web (simulator): probes for the ${result.culprits.length} culprits`,
        value: result.culpritProbes,
        unit: 'probes',
        goal: `< ${result.naiveProbes} (one at a time)`,
        met: result.culpritProbes < result.naiveProbes,
      },
      { label: 'seed-v4 vs web (simulator): seconds for the culprits', value: seconds, unit: 's' },
      {
        label: `seed-v4 vs web: probes incl. required fields (${full.result.requiredCandidates} fields)`,
        value: full.result.probes,
        unit: 'probes',
      },
      { label: 'seed-v4 vs web: seconds incl. required fields', value: requiredSeconds, unit: 's' },
    );
  } finally {
    await session.sim.close();
  }
  return {
    name: 'bisect',
    figures,
    notes: [
      'one at a time = leave-one-out from the working set: always one probe per difference, and it misses nothing ' +
        'only when culprits do not interact',
      'whole bisect adds the two baselines, the all-differences check, one confirmation and the repair path to ddmin',
      "culprits that only work together and sit far apart are ddmin's hard case; diff ranks likely culprits first, " +
        'which keeps them close (the top-8 rows)',
    ],
  };
}
