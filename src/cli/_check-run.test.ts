/**
 * `check`'s exchanges come from the engine's `onResponse` event: every preflight, every redirect
 * hop and the final answer, with the request as sent; a refused preflight keeps its body.
 */
import { describe, expect, it } from 'vitest';
import { createScriptedFetch, type HeaderList, type ScriptedRequest } from '../browser/index.js';
import { runCheck } from './_check-run.js';

const APP = 'http://app.test';
const ACAO: HeaderList = [['Access-Control-Allow-Origin', APP]];

describe('runCheck exchanges (onResponse)', () => {
  it('lists each redirect hop and the final answer as sent; the last preflight is the exchange shown', async () => {
    const log: ScriptedRequest[] = [];
    const transport = createScriptedFetch(
      {
        preflight: { status: 204, headers: [...ACAO, ['Access-Control-Allow-Methods', 'PUT']] },
        actual: { status: 307, headers: ACAO, location: 'http://api.test/next' },
        hops: { '/next': { status: 200, headers: [...ACAO, ['X-Hidden', '1']] } },
      },
      log,
    );
    const r = await runCheck('http://api.test/data', { from: APP, method: 'PUT' }, transport);
    expect(r.verdict).toBe('allowed');
    expect(r.actual?.map((x) => [x.request.method, x.request.url, x.response?.status])).toEqual([
      ['PUT', 'http://api.test/data', 307],
      ['PUT', 'http://api.test/next', 200],
    ]);
    expect(r.preflight?.exchange?.request.url).toBe('http://api.test/next');
    // What the page was told is what went out: the same requests, in the transport's order.
    const sent = log.filter((q) => !q.preflight).map((q) => q.url);
    expect(r.actual?.map((x) => x.request.url)).toEqual(sent);
    expect(r.response?.hiddenHeaders).toContain('x-hidden');
    expect(r.redirects).toEqual([
      { from: 'http://api.test/data', to: 'http://api.test/next', status: 307, tainted: false },
    ]);
  });

  it('keeps the body of a refused preflight and diagnoses from it', async () => {
    const transport: typeof fetch = async (_input, init) => {
      const method = init?.method ?? 'GET';
      if (method === 'OPTIONS') {
        return new Response('CORS preflight refused: header authorization is not allowed', {
          status: 403,
          headers: { 'cors-refusal-reason': 'header-not-allowed' },
        });
      }
      return new Response('ok', { status: 200, headers: { 'Access-Control-Allow-Origin': APP } });
    };
    const r = await runCheck(
      'http://api.test/items',
      { from: APP, method: 'PUT', header: ['Authorization: Bearer x'] },
      transport,
    );
    expect(r.verdict).toBe('blocked');
    expect(r.preflight?.exchange?.response?.status).toBe(403);
    expect(r.preflight?.exchange?.response?.body).toContain('authorization');
    expect(r.actual).toEqual([]);
    expect(r.diagnosis?.cause.toLowerCase()).toContain('authorization');
    expect(r.fix?.text).not.toMatch(/Access-Control-Allow-Origin: http:\/\/app\.test$/);
  });
});
