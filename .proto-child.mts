import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { startIntercept } from './src/capture/intercept/intercept-proxy.js';
import { loadOrCreateCa } from './src/capture/intercept/ca-store.js';
const ca = await loadOrCreateCa('/tmp/prof/ca');
const rec = process.argv[3] !== 'norec';
const proxy = await startIntercept({ port: 0, ca, map: [`bench.test=${process.argv[4] ?? 'https'}://127.0.0.1:${process.argv[2]}`], include: rec ? undefined : ['nothing.test'], out: `/tmp/prof/y-${Date.now()}.har` });
const s = new Session(); s.connect();
await s.post('Profiler.enable');
console.log('listening on ' + proxy.url);
process.stdin.setEncoding('utf8').on('data', async (d: string) => {
  if (d.includes('start')) { if (!process.env.NOPROF) await s.post('Profiler.start'); console.log('started'); }
  if (d.includes('stop')) { if (!process.env.NOPROF) { const { profile } = await s.post('Profiler.stop'); writeFileSync('/tmp/prof/live.cpuprofile', JSON.stringify(profile)); } console.log('stopped'); await proxy.close(); process.exit(0); }
});
