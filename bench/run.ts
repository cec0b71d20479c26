/**
 * `npm run bench [-- NAME ...]`: runs every bench/*.bench.ts (or the named ones) one after another and
 * prints their figures. Figures are ratios against a baseline measured in the same run, because these
 * machines are shared and noisy; absolute times are printed only as context.
 */
import { readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Bench, BenchResult } from './bench-result.js';

const dir = import.meta.dirname;
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

const results: BenchResult[] = [];
for (const file of files) {
  process.stdout.write(`\n== ${file}\n`);
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as { default: Bench };
  const result = await mod.default();
  results.push(result);
  for (const f of result.figures) {
    const value = Number.isInteger(f.value) ? String(f.value) : f.value.toFixed(f.value < 10 ? 2 : 1);
    const goal = f.goal ? `  (goal ${f.goal}${f.met === undefined ? '' : f.met ? ': met' : ': NOT met'})` : '';
    process.stdout.write(`  ${f.label.padEnd(58)} ${value.padStart(10)} ${f.unit}${goal}\n`);
  }
  for (const note of result.notes ?? []) process.stdout.write(`  note: ${note}\n`);
}
mkdirSync(join(dir, 'results'), { recursive: true });
writeFileSync(join(dir, 'results', 'latest.json'), JSON.stringify({ at: new Date().toISOString(), results }, null, 2));
process.stdout.write(`\nwrote bench/results/latest.json\n`);
