import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET } from '../../lab/src/scenario.js';
import { type RunningLab, startLab } from '../../src/lab/server.js';
import type { Prediction, WireEntry } from '../../src/lab/types.js';

let lab: RunningLab;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lab-assets-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>crossorigin lab</title>');
  writeFileSync(path.join(dir, 'a.js'), 'export {}');
  writeFileSync(path.join(dir, 'scene.html'), '<!doctype html><title>scene</title>');
  lab = await startLab({ assetsDir: dir });
});
afterAll(async () => {
  await lab.close();
});

const put = (id: string, setup: unknown) =>
  fetch(`${lab.origins.app}/__lab/setup/${id}`, { method: 'PUT', body: JSON.stringify(setup) });

function rawGet(port: number, target: string, host: string): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: target, headers: { host } }, (res) => {
      res.resume();
      resolve({
        status: res.statusCode ?? 0,
        ...(res.headers.location ? { location: res.headers.location } : {}),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the lab server', () => {
  it('listens on loopback, three different ports', () => {
    const urls = [lab.origins.app, lab.origins.api, lab.origins.other].map((o) => new URL(o));
    expect(urls.map((u) => u.hostname)).toEqual(['127.0.0.1', '127.0.0.1', 'localhost']);
    expect(new Set(urls.map((u) => u.port)).size).toBe(3);
  });

  it('serves the page and its assets, never a file outside the folder', async () => {
    const port = Number(new URL(lab.origins.app).port);
    const host = `127.0.0.1:${port}`;
    expect((await fetch(lab.url)).status).toBe(200);
    expect((await rawGet(port, '/a.js', host)).status).toBe(200);
    expect((await rawGet(port, '/../package.json', host)).status).toBe(404);
    expect((await rawGet(port, '/%2e%2e/%2e%2e/package.json', host)).status).toBe(404);
  });

  it('redirects another Host name to the one canonical app origin', async () => {
    const port = Number(new URL(lab.origins.app).port);
    const r = await rawGet(port, '/x?y', `localhost:${port}`);
    expect(r).toEqual({ status: 302, location: `${lab.origins.app}/x?y` });
  });

  it('refuses a bad setup with every problem listed', async () => {
    const res = await put('bad', {
      policy: {
        type: 'raw',
        preflight: { status: 1, headers: [] },
        actual: { status: 200, headers: [['a b', 'x']] },
      },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { problems: string[] };
    expect(body.problems).toHaveLength(2);
    expect((await fetch(`${lab.origins.app}/__lab/setup/bad`, { method: 'PUT', body: '{' })).status).toBe(
      400,
    );
    expect((await fetch(`${lab.origins.app}/__lab/setup/a.b`, { method: 'PUT', body: '{}' })).status).toBe(
      404,
    );
  });

  it('answers a raw case with the headers as written ({origin} echoed) and records the wire', async () => {
    expect(
      (
        await put('raw1', {
          policy: {
            type: 'raw',
            preflight: { status: 204, headers: [['Access-Control-Allow-Origin', '{origin}']] },
            actual: {
              status: 201,
              headers: [
                ['Access-Control-Allow-Origin', '{origin}'],
                ['Access-Control-Allow-Origin', '*'],
              ],
            },
          },
        })
      ).status,
    ).toBe(200);
    const res = await fetch(`${lab.origins.api}/c/raw1/r1/data`, { headers: { origin: 'http://x.test' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://x.test, *');
    await res.arrayBuffer();
    const wire = (await (await fetch(`${lab.origins.app}/__lab/log/raw1/r1`)).json()) as WireEntry[];
    expect(wire).toHaveLength(1);
    expect(wire[0]).toMatchObject({
      server: 'api',
      method: 'GET',
      preflight: false,
      path: '/c/raw1/r1/data',
    });
    expect(wire[0]?.headers).toContainEqual(['origin', 'http://x.test']);
    expect(wire[0]?.response?.status).toBe(201);
  });

  it("serves the scene page with its case's CSP and COEP, and nothing else with them", async () => {
    const setup = {
      policy: { type: 'none' },
      page: { csp: "connect-src 'self' {api}", coep: 'require-corp' },
    };
    expect((await put('scene1', setup)).status).toBe(200);
    const scene = await fetch(`${lab.origins.app}/scene.html?case=scene1`);
    expect(scene.status).toBe(200);
    expect(scene.headers.get('content-security-policy')).toBe(`connect-src 'self' ${lab.origins.api}`);
    expect(scene.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(scene.headers.get('cache-control')).toBe('no-store');
    for (const url of [`${lab.origins.app}/scene.html?case=nope`, `${lab.origins.app}/a.js?case=scene1`]) {
      const res = await fetch(url);
      expect(res.headers.get('content-security-policy')).toBeNull();
      expect(res.headers.get('cross-origin-embedder-policy')).toBeNull();
    }
  });

  it("answers the popup path with a page and the case's Cross-Origin-Opener-Policy", async () => {
    expect((await put('popup1', { policy: { type: 'none' }, popupCoop: 'same-origin' })).status).toBe(200);
    const res = await fetch(`${lab.origins.api}/c/popup1/r1/popup`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(await res.text()).toContain('window.opener');
    expect((await put('popup2', { policy: { type: 'none' } })).status).toBe(200);
    const plain = await fetch(`${lab.origins.api}/c/popup2/r1/popup`);
    expect(plain.headers.get('cross-origin-opener-policy')).toBeNull();
    await plain.arrayBuffer();
  });

  it('answers 404 for an unknown case, and OPTIONS with 404 when the case has no CORS', async () => {
    expect((await fetch(`${lab.origins.api}/c/nope/r/data`)).status).toBe(404);
    await put('none1', { policy: { type: 'none' } });
    const pre = await fetch(`${lab.origins.api}/c/none1/r/data`, {
      method: 'OPTIONS',
      headers: { origin: lab.origins.app, 'access-control-request-method': 'PUT' },
    });
    expect(pre.status).toBe(404);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('redirects "start" to the other origin when the setup says so', async () => {
    await put('redir', { policy: { type: 'none' }, redirect: { status: 307, to: 'other' } });
    const res = await fetch(`${lab.origins.api}/c/redir/r/start`, { redirect: 'manual' });
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe(`${lab.origins.other}/c/redir/r/final`);
  });

  it('puts the CSRF guard in front of the API when asked', async () => {
    await put('csrf1', { policy: { type: 'none' }, csrf: true });
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const evil = await fetch(`${lab.origins.api}/c/csrf1/r/transfer`, {
      method: 'POST',
      headers: { ...form, origin: lab.origins.other, 'sec-fetch-site': 'cross-site' },
      body: 'amount=1',
    });
    expect(evil.status).toBe(403);
    const own = await fetch(`${lab.origins.api}/c/csrf1/r/transfer`, {
      method: 'POST',
      headers: { ...form, origin: lab.origins.app, 'sec-fetch-site': 'same-site' },
      body: 'amount=1',
    });
    // The app page is a trusted origin of the API: its own POSTs go through.
    expect(own.status).toBe(200);
  });

  it('predicts with the engine: a GET without CORS headers is blocked, with the console text and a fix', async () => {
    await put('pred', { policy: { type: 'none' } });
    const res = await fetch(`${lab.origins.app}/__lab/predict`, {
      method: 'POST',
      body: JSON.stringify({
        id: 'pred',
        run: 'b1',
        profile: 'chromium',
        case: {
          kind: 'fetch',
          request: GET,
          server: { policy: { type: 'none' } },
        },
      }),
    });
    const p = (await res.json()) as Prediction;
    expect(p.profile).toBe('chromium');
    expect(p.attempts[0]?.outcome.result).toBe('blocked');
    expect(p.attempts[0]?.errorKind).toBe('missing-allow-origin-header');
    expect(p.attempts[0]?.console).toContain("No 'Access-Control-Allow-Origin' header is present");
    expect(p.attempts[0]?.fix).not.toBe('');
    expect(p.wire.map((w) => [w.server, w.method, w.response?.status])).toEqual([['api', 'GET', 200]]);
    expect(p.wire[0]?.path).toBe('/c/pred/b1-engine/data');
  });

  it("tunnels the page engine's requests only to the lab API and the other site", async () => {
    await put('tun', { policy: { type: 'none' } });
    const send = (body: unknown) =>
      fetch(`${lab.origins.app}/__lab/send`, { method: 'POST', body: JSON.stringify(body) });
    const ok = await send({
      url: `${lab.origins.api}/c/tun/r/data`,
      method: 'GET',
      headers: [['origin', lab.origins.app]],
      body: null,
    });
    expect(ok.status).toBe(200);
    const answer = (await ok.json()) as { status: number; headers: [string, string][]; body: string };
    expect(answer.status).toBe(200);
    expect(answer.headers).toContainEqual(['x-internal-build', 'lab']);
    expect(JSON.parse(Buffer.from(answer.body, 'base64').toString())).toMatchObject({
      ok: true,
      case: 'tun',
    });
    const refused = [
      { url: 'http://example.com/', method: 'GET', headers: [], body: null },
      { url: `${lab.origins.app}/__lab/info`, method: 'GET', headers: [], body: null },
      { url: `${lab.origins.api}/c/tun/r/data`, method: 'G ET', headers: [], body: null },
      { url: `${lab.origins.api}/c/tun/r/data`, method: 'GET', headers: [['x', 'a\r\nb']], body: null },
      { url: `${lab.origins.api}/c/tun/r/data`, method: 'GET', headers: [], body: 42 },
      'nope',
    ];
    for (const r of refused) expect((await send(r)).status).toBe(400);
  });

  it('answers a malformed prediction request with an engine failure, not an exception', async () => {
    await put('pred2', { policy: { type: 'none' } });
    const res = await fetch(`${lab.origins.app}/__lab/predict`, {
      method: 'POST',
      body: JSON.stringify({ id: 'pred2', run: 'b1', profile: 'nope', case: { kind: 'teleport' } }),
    });
    const p = (await res.json()) as Prediction;
    expect(p.profile).toBe('chromium');
    expect(p.attempts[0]?.outcome.result).toBe('engine-failure');
  });
});
