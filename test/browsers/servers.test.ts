/** The harness servers without a browser: URL localization and raw answers, recorded requests. */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CaseServers,
  localizeUrl,
  localizeValue,
  NO_CORS_PREFLIGHT_ANSWER,
  type Ports,
} from './harness/servers.js';

const ports: Ports = { app: 1001, api: 1002, other: 1003 };

describe('localizeValue / localizeUrl', () => {
  const values: [string, string][] = [
    ['http://app.test', 'http://app.test:1001'],
    ['http://app.test/', 'http://app.test:1001/'],
    ['HTTP://APP.TEST', 'HTTP://APP.TEST:1001'],
    ['http://app.test:9999', 'http://app.test:9999'],
    [' http://app.test ', ' http://app.test:1001 '],
    ['http://app.test, http://other.test', 'http://app.test:1001, http://other.test:1003'],
    ['http://localhost:{app}', 'http://localhost:1001'],
    ['*', '*'],
    ['null', 'null'],
    ['http://app.test.evil', 'http://app.test.evil'],
  ];
  it.each(values)('value %j -> %j', (input, out) => expect(localizeValue(input, ports)).toBe(out));

  const urls: [string, string][] = [
    ['http://api.test/data', 'http://api.test:1002/c/x/data'],
    ['http://api.test/data?q=1', 'http://api.test:1002/c/x/data?q=1'],
    ['http://api.test', 'http://api.test:1002/c/x/'],
    ['/next', '/c/x/next'],
    ['http://user:pw@other.test/p', 'http://user:pw@other.test:1003/c/x/p'],
    ['http://127.0.0.1:{api}/p', 'http://127.0.0.1:1002/c/x/p'],
    ['http://example.com/p', 'http://example.com/p'],
  ];
  it.each(urls)('url %j -> %j', (input, out) => expect(localizeUrl(input, 'x', ports)).toBe(out));
});

describe('CaseServers', () => {
  let servers: CaseServers;
  beforeAll(async () => {
    servers = await CaseServers.start();
  });
  afterAll(async () => {
    await servers.close();
  });

  function send(method: string, path: string, headers: Record<string, string> = {}) {
    return new Promise<{ status: number; raw: string[] }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: servers.ports.api, method, path, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, raw: res.rawHeaders }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('answers a case raw, keeps duplicate header lines, and records each request', async () => {
    servers.register({
      id: 'raw',
      description: 'two ACAO lines, preflight 299',
      request: { origin: 'http://app.test', url: 'http://api.test/data', method: 'PUT' },
      server: {
        preflight: { status: 299, headers: [['Access-Control-Allow-Origin', 'http://app.test']] },
        actual: {
          status: 200,
          headers: [
            ['Access-Control-Allow-Origin', 'http://app.test'],
            ['Access-Control-Allow-Origin', 'http://other.test'],
          ],
        },
        hops: { '/start': { status: 307, headers: [], location: 'http://other.test/end' } },
      },
    });
    const pre = await send('OPTIONS', '/c/raw/data', { 'Access-Control-Request-Method': 'PUT', Origin: 'x' });
    expect(pre.status).toBe(299);
    const act = await send('PUT', '/c/raw/data');
    expect(
      act.raw.filter((_, i) => i % 2 === 0 && act.raw[i] === 'Access-Control-Allow-Origin'),
    ).toHaveLength(2);
    expect(act.raw).toContain(`http://other.test:${servers.ports.other}`);
    const hop = await send('GET', '/c/raw/start');
    expect(hop.status).toBe(307);
    expect(hop.raw).toContain(`http://other.test:${servers.ports.other}/c/raw/end`);
    const plainOptions = await send('OPTIONS', '/c/raw/data');
    expect(plainOptions.status).toBe(200);
    expect(servers.requests('raw').map((r) => [r.method, r.path, r.preflight, r.status])).toEqual([
      ['OPTIONS', '/data', true, 299],
      ['PUT', '/data', false, 200],
      ['GET', '/start', false, 307],
      ['OPTIONS', '/data', false, 200],
    ]);
    expect(servers.requests('raw')[0]?.headers).toContainEqual(['Access-Control-Request-Method', 'PUT']);
  });

  it('answers a preflight without a configured answer as a server without CORS would', async () => {
    servers.register({
      id: 'no-preflight',
      description: 'no server.preflight',
      request: { origin: 'http://app.test', url: 'http://api.test/data', method: 'PUT' },
      server: { actual: { status: 200, headers: [] } },
    });
    const pre = await send('OPTIONS', '/c/no-preflight/data', { 'Access-Control-Request-Method': 'PUT' });
    expect(pre.status).toBe(NO_CORS_PREFLIGHT_ANSWER.status);
    expect(pre.raw.some((h) => h.toLowerCase().startsWith('access-control-'))).toBe(false);
  });

  it('answers unknown paths and cases with 404', async () => {
    expect((await send('GET', '/c/unknown/data')).status).toBe(404);
    expect((await send('GET', '/elsewhere')).status).toBe(404);
    expect((await send('GET', '/')).status).toBe(200);
  });
});
