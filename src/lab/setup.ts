/**
 * Validates a case's server setup once (as the lab API receives it from the page) and compiles it:
 * placeholders substituted, the crossorigin/server policy built, raw headers checked so that every
 * header the lab writes is valid. Failures are values: a list of problems for the page to show.
 */
import type { CsrfGuard } from '../csrf/index.js';
import { createCsrfGuard } from '../csrf/index.js';
import { CorsConfigError, type CorsPolicy, createCorsPolicy } from '../server/index.js';
import { fillOrigins } from './shared.js';
import type { LabHeader, LabPage, LabServerSetup, RawAnswer } from './types.js';

export interface LabOrigins {
  app: string;
  api: string;
  other: string;
}

export type CompiledPolicy =
  | { type: 'none' }
  | { type: 'crossorigin'; policy: CorsPolicy }
  | { type: 'raw'; preflight: RawAnswer; actual: RawAnswer };

/** The scene page's headers (CSP, COEP) and whether it is served over https. */
export interface CompiledPage {
  https: boolean;
  headers: LabHeader[];
}

export interface CompiledSetup {
  policy: CompiledPolicy;
  redirect: { status: number; to: 'other' | 'api' } | null;
  csrf: CsrfGuard | null;
  page: CompiledPage | null;
  popupCoop: string | null;
}

export type CompileResult = { ok: true; setup: CompiledSetup } | { ok: false; problems: string[] };

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_VALUE = /[\r\n\0]/;
const MAX_HEADERS = 40;
const MAX_VALUE = 4096;

/** Replaces `{app}`, `{api}` and `{other}` in every string of a JSON value. */
export function substitute<T>(value: T, origins: LabOrigins): T {
  if (typeof value === 'string') return fillOrigins(value, origins) as T;
  if (Array.isArray(value)) return value.map((v) => substitute(v, origins)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, origins);
    return out as T;
  }
  return value;
}

function checkHeaders(where: string, headers: unknown, problems: string[]): LabHeader[] {
  if (!Array.isArray(headers)) {
    problems.push(`${where}: headers must be a list of [name, value]`);
    return [];
  }
  if (headers.length > MAX_HEADERS) problems.push(`${where}: at most ${MAX_HEADERS} headers`);
  const out: LabHeader[] = [];
  for (const h of headers.slice(0, MAX_HEADERS)) {
    if (!Array.isArray(h) || h.length !== 2 || typeof h[0] !== 'string' || typeof h[1] !== 'string') {
      problems.push(`${where}: each header must be [name, value] strings`);
      continue;
    }
    const [name, value] = h as [string, string];
    if (!TOKEN.test(name)) problems.push(`${where}: "${name.slice(0, 60)}" is not a valid header name`);
    else if (BAD_VALUE.test(value) || value.length > MAX_VALUE)
      problems.push(`${where}: the value of ${name} has a CR, LF or NUL, or is longer than ${MAX_VALUE}`);
    else out.push([name, value.trim()]);
  }
  return out;
}

function checkAnswer(where: string, answer: unknown, problems: string[]): RawAnswer {
  const a = (answer ?? {}) as { status?: unknown; headers?: unknown };
  const status = a.status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
    problems.push(`${where}: status must be an integer from 200 to 599`);
  }
  return {
    status: typeof status === 'number' ? status : 500,
    headers: checkHeaders(where, a.headers, problems),
  };
}

/** A header value the lab may write: a string without CR, LF or NUL, at most MAX_VALUE long. */
function checkValue(where: string, value: unknown, problems: string[]): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || BAD_VALUE.test(value) || value.length > MAX_VALUE) {
    problems.push(
      `${where} must be a header value: a string without CR, LF or NUL, at most ${MAX_VALUE} long`,
    );
    return null;
  }
  return value.trim();
}

const PAGE_HEADERS: [keyof LabPage, string][] = [
  ['csp', 'Content-Security-Policy'],
  ['coep', 'Cross-Origin-Embedder-Policy'],
];

function checkPage(input: unknown, problems: string[]): CompiledPage | null {
  if (input === undefined || input === null) return null;
  if (typeof input !== 'object' || Array.isArray(input)) {
    problems.push('page must be an object: { https?, csp?, coep? }');
    return null;
  }
  const page = input as Record<string, unknown>;
  if (page.https !== undefined && typeof page.https !== 'boolean')
    problems.push('page.https must be a boolean');
  const headers: LabHeader[] = [];
  for (const [key, name] of PAGE_HEADERS) {
    const value = checkValue(`page.${key}`, page[key], problems);
    if (value !== null) headers.push([name, value]);
  }
  return { https: page.https === true, headers };
}

/** Checks and compiles a setup sent by the page. Never throws. */
export function compileSetup(input: unknown, origins: LabOrigins): CompileResult {
  const problems: string[] = [];
  if (input === null || typeof input !== 'object')
    return { ok: false, problems: ['setup must be an object'] };
  const setup = substitute(input as LabServerSetup, origins);
  let policy: CompiledPolicy = { type: 'none' };
  const p = setup.policy as { type?: unknown } | undefined;
  if (!p || typeof p !== 'object') problems.push('policy is required');
  else if (p.type === 'none') policy = { type: 'none' };
  else if (p.type === 'crossorigin') {
    const options = (p as { options?: unknown }).options;
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      problems.push('policy.options must be a crossorigin/server options object');
    } else {
      try {
        policy = { type: 'crossorigin', policy: createCorsPolicy(options as never) };
      } catch (e) {
        if (e instanceof CorsConfigError) {
          for (const q of e.problems) problems.push(`crossorigin/server: ${q.path}: ${q.message}`);
        } else problems.push(`crossorigin/server: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  } else if (p.type === 'raw') {
    const raw = p as { preflight?: unknown; actual?: unknown };
    policy = {
      type: 'raw',
      preflight: checkAnswer('preflight', raw.preflight, problems),
      actual: checkAnswer('response', raw.actual, problems),
    };
  } else problems.push('policy.type must be none, crossorigin or raw');
  let redirect: CompiledSetup['redirect'] = null;
  if (setup.redirect) {
    const r = setup.redirect as { status?: unknown; to?: unknown };
    if (![301, 302, 303, 307, 308].includes(r.status as number))
      problems.push('redirect.status must be 301, 302, 303, 307 or 308');
    if (r.to !== 'other' && r.to !== 'api') problems.push('redirect.to must be other or api');
    redirect = { status: r.status as number, to: r.to === 'api' ? 'api' : 'other' };
  }
  // The API's own origin, plus the app page as a trusted origin (it may post to its API).
  const csrf =
    setup.csrf === true ? createCsrfGuard({ origin: origins.api, trustedOrigins: [origins.app] }) : null;
  const page = checkPage(setup.page, problems);
  const popupCoop = checkValue('popupCoop', setup.popupCoop, problems);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, setup: { policy, redirect, csrf, page, popupCoop } };
}
