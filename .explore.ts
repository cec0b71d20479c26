import { startSimulator } from './src/simulator/index.js';
import { resolveCredentials } from './src/client/credentials.js';
import { runShapeTurn } from './src/client/run-shape.js';
import { SHAPES, systemIdClock } from './src/upstream/shapes.js';
import { diffCaptures } from './src/diff/index.js';
import { planBisect, bisectPlan } from './src/bisect/index.js';
import { createRequestProber } from './src/client/probe-request.js';
const sim = await startSimulator({ port: 0, chunkIntervalMs: 1 });
const c = await resolveCredentials({ target: sim.url, user: `${sim.demoUser.email}:${sim.demoUser.password}` });
const ctx = { baseUrl: sim.url, token: c.token, cookies: c.cookies, idClock: systemIdClock };
const web = await runShapeTurn(SHAPES.web, ctx, {});
for (const s of (process.argv.slice(2).length ? process.argv.slice(2) : ['seed-v4','seed-v3','seed-v2','seed-v1']) as any[]) {
  const bad = await runShapeTurn(SHAPES[s], ctx, {});
  const plan = planBisect(diffCaptures(web.exchanges, bad.exchanges));
  const chatRequest = web.exchanges.find(e => e.endpoint === 'chats.new')!.request;
  const t0 = Date.now();
  const r = await bisectPlan(plan, { probe: createRequestProber(plan.endpoint, { target: sim.url, token: c.token, cookies: c.cookies, chatRequest }) });
  console.log(s, r.verdict, r.culprits.map(c => c.id), 'probes', r.probes, 'ms', Date.now()-t0);
  console.log(' ', r.explanation);
  for (const t of r.transitions) console.log('  T', t.explanation);
  console.log('  required', r.requiredStatus, r.requiredChecked, '/', r.requiredCandidates, r.required.map(x => x.id));
  if (r.verdict !== 'found') for (const e of r.log) console.log('   ', e.n, e.purpose, e.subset.length, e.outcome, e.failure);
}
await sim.close();
