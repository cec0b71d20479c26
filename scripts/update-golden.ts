/**
 * `npm run golden`: regenerates the golden files of `diff` in fixtures/diff/<case>/: the input pair
 * (built deterministically from the request shapes) and the expected Markdown and JSON reports.
 * Review the git diff of fixtures/ after running it: a changed expectation is a behaviour change.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GOLDEN_CASES, GOLDEN_DIR, renderGoldenCase } from '../test/diff/support/golden-cases.js';

for (const c of GOLDEN_CASES) {
  const dir = join(GOLDEN_DIR, c.name);
  mkdirSync(dir, { recursive: true });
  for (const [file, build] of [c.inputs.good, c.inputs.bad]) writeFileSync(join(dir, file), build());
  const { md, json } = renderGoldenCase(c);
  writeFileSync(join(dir, 'expected.md'), md);
  writeFileSync(join(dir, 'expected.json'), json);
  process.stdout.write(`fixtures/diff/${c.name}: ${c.description}\n`);
}
