import * as mockttp from 'mockttp';
import http from 'node:http';
import { ProxyAgent, request } from 'undici';
const up = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.url === '/204') { res.writeHead(204); res.end(); }
    else if (req.url === '/304') { res.writeHead(304); res.end(); }
    else { res.writeHead(200, { 'content-type': 'text/plain' }); res.end(req.method === 'HEAD' ? undefined : 'hello'); }
  });
});
await new Promise<void>((r) => up.listen(0, '127.0.0.1', r));
const upPort = (up.address() as any).port;
const ca = await mockttp.generateCACertificate();
const server = mockttp.getLocal({ https: ca, recordTraffic: false });
await server.forAnyRequest().always().thenPassThrough({ transformRequest: { setProtocol: 'http', replaceHost: { targetHost: `127.0.0.1:${upPort}`, updateHostHeader: false } } });
for (const ev of ['request-initiated', 'request-body-data', 'response-initiated', 'response-body-data', 'abort'] as const) {
  await server.on(ev as any, (e: any) => console.log('  ', ev, e.id.slice(0, 4), e.method ?? '', e.url ?? '', e.statusCode ?? '', e.content ? `len=${e.content.length} end=${e.isEnded}` : '', e.rawHeaders ? JSON.stringify(e.rawHeaders).slice(0, 80) : ''));
}
await server.start(0);
const agent = new ProxyAgent({ uri: `http://127.0.0.1:${server.port}`, requestTls: { ca: ca.cert } });
for (const [m, p, body] of [['GET', '/'], ['POST', '/', 'abc'], ['HEAD', '/'], ['GET', '/204'], ['GET', '/304'], ['POST', '/204', '']] as const) {
  console.log(m, p);
  const r = await request(`https://chat.qwen.ai${p}`, { method: m, dispatcher: agent, body: body as any });
  await r.body.text();
  await new Promise((r) => setTimeout(r, 100));
}
await server.stop(); up.close(); await agent.close();
