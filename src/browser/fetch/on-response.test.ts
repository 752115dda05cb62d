/**
 * `onResponse`: one event per answer the engine receives (each preflight, each redirect it follows,
 * the last answer), with the request as sent, the full response header list and the verdict.
 */
import { describe, expect, it } from 'vitest';
import {
  type BrowserFetchResponseEvent,
  type BrowserName,
  createBrowserFetch,
  createScriptedFetch,
  type HeaderList,
  type ScriptedRequest,
  type ScriptedServer,
} from '../index.js';

const APP = 'http://app.test';
const API = 'http://api.test/data';
const ACAO: HeaderList = [['Access-Control-Allow-Origin', APP]];

function observe(server: ScriptedServer, browser: BrowserName = 'chromium') {
  const log: ScriptedRequest[] = [];
  const answers: BrowserFetchResponseEvent[] = [];
  const f = createBrowserFetch({
    origin: APP,
    browser,
    fetch: createScriptedFetch(server, log),
    onResponse: (e) => answers.push(e),
  });
  return { f, log, answers };
}

const kinds = (answers: BrowserFetchResponseEvent[]) =>
  answers.map((a) => [a.kind, a.response.status, a.error?.kind ?? null]);

describe('onResponse', () => {
  it('reports the preflight, each followed redirect and the actual answer, with what was sent', async () => {
    const { f, log, answers } = observe({
      preflight: { status: 204, headers: [...ACAO, ['Access-Control-Allow-Methods', 'PUT']] },
      actual: { status: 307, headers: ACAO, location: 'http://api.test/next' },
      hops: { '/next': { status: 200, headers: [...ACAO, ['X-Hidden', 'h'], ['Set-Cookie', 'a=b']] } },
    });
    const res = await f(API, { method: 'PUT', body: 'x' });
    expect(res.status).toBe(200);
    expect(kinds(answers)).toEqual([
      ['preflight', 204, null],
      ['redirect', 307, null],
      ['preflight', 204, null],
      ['actual', 200, null],
    ]);
    // The request of each event is what went to the transport, in the same order.
    expect(answers.map((a) => [a.request.method, a.request.url])).toEqual(log.map((q) => [q.method, q.url]));
    // (The scripted transport logs them through a Headers object: lower-case, sorted.)
    const asLogged = (list: [string, string][]) => [...new Headers(list)];
    expect(answers.map((a) => asLogged(a.request.headers))).toEqual(log.map((q) => q.headers));
    // The full header list, hidden and Set-Cookie headers included.
    const last = answers.at(-1) as BrowserFetchResponseEvent;
    expect(last.response.headers.map(([n]) => n.toLowerCase())).toEqual(
      expect.arrayContaining(['x-hidden', 'set-cookie', 'access-control-allow-origin']),
    );
    expect(answers.every((a) => a.fromCache === false)).toBe(true);
  });

  it('carries the refusal on the answer that caused it: a failed preflight', async () => {
    const { f, answers } = observe({
      preflight: { status: 204, headers: ACAO },
      actual: { status: 200, headers: ACAO },
    });
    await expect(f(API, { method: 'PUT' })).rejects.toThrow('Failed to fetch');
    expect(kinds(answers)).toEqual([['preflight', 204, 'method-disallowed-by-preflight-response']]);
  });

  it('carries the refusal on the answer that caused it: a failed CORS check after a redirect', async () => {
    const { f, answers } = observe({
      actual: { status: 302, headers: ACAO, location: 'http://api.test/next' },
      hops: { '/next': { status: 200, headers: [] } },
    });
    await expect(f(API)).rejects.toThrow('Failed to fetch');
    expect(kinds(answers)).toEqual([
      ['redirect', 302, null],
      ['actual', 200, 'missing-allow-origin-header'],
    ]);
  });

  it('reports an opaque redirect (redirect: manual) as the actual answer', async () => {
    const { f, answers } = observe({ actual: { status: 302, headers: ACAO, location: '/elsewhere' } });
    const res = await f(API, { redirect: 'manual' });
    expect(res.type).toBe('opaqueredirect');
    expect(kinds(answers)).toEqual([['actual', 302, null]]);
  });

  it('marks a permanent redirect replayed from the modelled HTTP cache (chromium)', async () => {
    const { f, log, answers } = observe({
      actual: { status: 301, headers: ACAO, location: 'http://api.test/next' },
      hops: { '/next': { status: 200, headers: ACAO } },
    });
    await f(API);
    await f(API);
    expect(kinds(answers)).toEqual([
      ['redirect', 301, null],
      ['actual', 200, null],
      ['redirect', 301, null],
      ['actual', 200, null],
    ]);
    expect(answers.map((a) => a.fromCache)).toEqual([false, false, true, false]);
    expect(log).toHaveLength(3);
  });

  it('reports nothing when the transport fails, and an exception in the listener changes nothing', async () => {
    const failing = createBrowserFetch({
      origin: APP,
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
      onResponse: () => {
        throw new Error('listener');
      },
    });
    const err = (await failing(API).catch((e: unknown) => e)) as TypeError;
    expect((err.cause as { kind: string }).kind).toBe('network-error');
    const throwing = createBrowserFetch({
      origin: APP,
      fetch: createScriptedFetch({ actual: { status: 200, headers: ACAO } }),
      onResponse: () => {
        throw new Error('listener');
      },
    });
    expect((await throwing(API)).status).toBe(200);
  });
});
