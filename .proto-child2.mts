import { getLocal } from 'mockttp';
import { loadOrCreateCa } from './src/capture/intercept/ca-store.js';
const ca = await loadOrCreateCa('/tmp/prof/ca');
const s = getLocal({ https: { key: ca.key, cert: ca.cert, tlsInterceptOnly: [{ hostname: 'bench.test' }] }, recordTraffic: false, http2: process.argv[3] === 'h2', cors: false, suggestChanges: false });
await s.forAnyRequest().forHostname('bench.test').always().thenPassThrough({ transformRequest: { setProtocol: 'http', replaceHost: { targetHost: `127.0.0.1:${process.argv[2]}`, updateHostHeader: false } } });
await s.start(0);
console.log('listening on http://127.0.0.1:' + s.port);
process.stdin.setEncoding('utf8').on('data', async (d: string) => { if (d.includes('start')) console.log('started'); if (d.includes('stop')) { console.log('stopped'); await s.stop(); process.exit(0); } });
