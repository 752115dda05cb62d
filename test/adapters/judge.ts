/**
 * Judges one adapter answer: it must be exactly the core's decision, translated (headers set with
 * the decided values, Vary merged with the application's, end with the decided status and body or
 * continue to the application), plus the case's own expectations.
 */
import { expect } from 'vitest';
import { endStatus, type HttpDecision, hasBody, type RequestView } from '../../src/_http/index.js';
import { CORS_FAILURE, CSRF_FAILURE } from '../../src/adapters/_shared.js';
import { APP_MARK, APP_VARY, appBody, varyAfter, varyBefore, varyWriteHead } from './app.js';
import type { AdapterCase } from './cases.js';
import type { RawReply } from './client.js';
import { buildCore } from './setups.js';

export function viewOf(c: AdapterCase): RequestView {
  return {
    method: c.request.method,
    url: c.request.path,
    header(name: string) {
      const values = c.request.headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
      return values.length ? values.join(', ') : null;
    },
  };
}

/** The decision the adapter must translate: the core's own, or the adapter's documented fallback. */
export async function expectedDecision(c: AdapterCase): Promise<HttpDecision> {
  const s = c.setup;
  if (s.special === 'throws' || s.special === 'rejects' || s.special === 'garbage') {
    return s.kind === 'cors' ? CORS_FAILURE : CSRF_FAILURE;
  }
  return await buildCore({ ...s, special: undefined }).handle(viewOf(c));
}

export function varyNames(r: RawReply): string[] {
  return (r.headers.get('vary') ?? [])
    .join(',')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function lower(list: readonly string[]): string[] {
  return list.map((s) => s.toLowerCase());
}

export function judge(c: AdapterCase, d: HttpDecision, r: RawReply, opts: { before: boolean }): void {
  const method = c.request.method;
  const reached = r.headers.get(APP_MARK)?.[0] === 'reached';
  const path = c.request.path;
  const at = `${c.id}`;

  // Translation of the decision.
  if (d.end) {
    expect(reached, `${at}: an ending decision must not reach the app`).toBe(false);
    const status = endStatus(d);
    expect(r.status, `${at}: status`).toBe(status);
    const body = method === 'HEAD' || !hasBody(d, status) ? '' : d.body;
    expect(r.body, `${at}: body`).toBe(body);
  } else {
    expect(reached, `${at}: a continuing decision must reach the app`).toBe(true);
    expect(r.status, `${at}: status`).toBe(200);
    expect(r.body, `${at}: body`).toBe(method === 'HEAD' ? '' : appBody(method));
  }
  for (const [name, value] of d.headers) {
    expect(r.headers.get(name), `${at}: header ${name}`).toEqual([value]);
  }
  const vary = lower(varyNames(r));
  expect(new Set(vary).size, `${at}: Vary names are not duplicated (${vary.join(', ')})`).toBe(vary.length);
  expect((r.headers.get('vary') ?? []).length, `${at}: one Vary line at most`).toBeLessThanOrEqual(1);
  for (const name of d.vary) expect(vary, `${at}: Vary keeps ${name}`).toContain(name.toLowerCase());
  const appVary = d.end
    ? opts.before && varyBefore(path)
    : varyAfter(path) || varyBefore(path) || varyWriteHead(path);
  if (appVary) expect(vary, `${at}: the application's Vary survives`).toContain(APP_VARY.toLowerCase());

  // The case's own expectations.
  const e = c.expect;
  if (!e) return;
  if (e.status !== undefined) expect(r.status, `${at}: expected status`).toBe(e.status);
  if (e.reached !== undefined)
    expect(reached, `${at}: expected to reach the app: ${e.reached}`).toBe(e.reached);
  for (const [name, value] of Object.entries(e.headers ?? {})) {
    if (name === 'vary') {
      if (value === null) expect(vary, `${at}: no Vary`).toEqual([]);
      else
        expect(new Set(vary), `${at}: Vary`).toEqual(new Set(lower(value.split(',').map((s) => s.trim()))));
    } else if (value === null) {
      expect(r.headers.get(name), `${at}: ${name} absent`).toBeUndefined();
    } else {
      expect(r.headers.get(name), `${at}: ${name}`).toEqual([value]);
    }
  }
  for (const name of e.varyIncludes ?? []) {
    if (!opts.before && d.end && name === APP_VARY) continue; // no middleware runs before a Fetch handler
    expect(vary, `${at}: Vary includes ${name}`).toContain(name.toLowerCase());
  }
}
