/**
 * The app origin: the page's static files, and the control endpoints under `/__lab/` (info,
 * setup of a case, the wire log of a run, the engine's tunnel, the engine's prediction).
 */
import { readFile, stat } from 'node:fs/promises';
import type http from 'node:http';
import path from 'node:path';
import { checkSend, ID, type LabState, MAX_BODY, MAX_CASES, readBody, sendJson, TYPES } from './_lab-http.js';
import { predict } from './predict.js';
import { compileSetup } from './setup.js';
import type { LabCase, LabHeader } from './types.js';

/**
 * The scene page's own headers: `/scene.html?case={id}` is the page a case with a `page` setup runs
 * in (a frame), served with that case's CSP and COEP.
 */
export function sceneHeaders(st: LabState, pathname: string, search: string): LabHeader[] {
  if (pathname !== '/scene.html') return [];
  const id = new URLSearchParams(search).get('case') ?? '';
  return (ID.test(id) && st.cases.get(id)?.page?.headers) || [];
}

export async function serveStatic(
  st: LabState,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  pathname: string,
  extra: readonly LabHeader[] = [],
) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' });
    res.end();
    return;
  }
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    rel = '/';
  }
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.resolve(st.assetsDir, `.${path.posix.normalize(rel)}`);
  if (!file.startsWith(st.assetsDir + path.sep)) {
    res.writeHead(404);
    res.end();
    return;
  }
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new Error('not a file');
    const body = await readFile(file);
    for (const [n, v] of extra) res.appendHeader(n, v);
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-length': body.length,
      'cache-control': extra.length ? 'no-store' : 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    const missingPage = rel === '/index.html';
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(
      missingPage
        ? `The lab page is not built: ${st.assetsDir} has no index.html. Run \`npm run build\` (or \`npm run build:lab\`).\n`
        : 'not found\n',
    );
  }
}

/** The page configures a case: its policy or raw answers. */
async function setupCase(
  st: LabState,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  parts: string[],
): Promise<void> {
  const body = await readBody(req);
  let parsed: unknown;
  try {
    parsed = body === null ? null : JSON.parse(body);
  } catch {
    return sendJson(res, 400, { ok: false, problems: ['the setup is not valid JSON'] });
  }
  const compiled = compileSetup(parsed, st.origins);
  if (!compiled.ok) return sendJson(res, 400, compiled);
  const id = parts[3]!;
  st.cases.delete(id);
  if (st.cases.size >= MAX_CASES) st.cases.delete(st.cases.keys().next().value as string);
  st.cases.set(id, compiled.setup);
  return sendJson(res, 200, { ok: true });
}

/** The engine's network in the page: a fetch without CORS of its own. */
async function tunnel(st: LabState, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  // The page's engine sends its requests through here: a fetch without CORS of its own, and
  // only to the lab's own API and other site.
  const body = await readBody(req);
  let parsed: unknown;
  try {
    parsed = body === null ? null : JSON.parse(body);
  } catch {
    return sendJson(res, 400, { error: 'not JSON' });
  }
  const checked = checkSend(parsed, [st.origins.api, st.origins.other, `http://127.0.0.1:${st.otherPort}`]);
  if (typeof checked === 'string') return sendJson(res, 400, { error: checked });
  try {
    const answer = await fetch(checked.url, {
      method: checked.method,
      headers: checked.headers,
      body: checked.body as BodyInit | null,
      redirect: 'manual',
    });
    const bytes = Buffer.from(await answer.arrayBuffer());
    const headers: LabHeader[] = [];
    for (const [n, v] of answer.headers) if (n !== 'set-cookie') headers.push([n, v]);
    for (const c of answer.headers.getSetCookie()) headers.push(['set-cookie', c]);
    return sendJson(res, 200, {
      status: answer.status,
      statusText: answer.statusText,
      headers,
      body: bytes.subarray(0, MAX_BODY).toString('base64'),
    });
  } catch (e) {
    return sendJson(res, 502, {
      error: `the lab could not reach ${checked.url}: ${(e as Error).message}`,
    });
  }
}

/** The engine runs the case server-side. */
async function predictRun(st: LabState, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const body = await readBody(req);
  let parsed: { id?: unknown; run?: unknown; profile?: unknown; case?: unknown };
  try {
    parsed = body === null ? {} : JSON.parse(body);
  } catch {
    return sendJson(res, 400, { error: 'not JSON' });
  }
  const { id, run, profile } = parsed;
  if (typeof id !== 'string' || !ID.test(id) || typeof run !== 'string' || !ID.test(run))
    return sendJson(res, 400, { error: 'id and run must be short names' });
  if (!st.cases.has(id)) return sendJson(res, 400, { error: 'configure the case first' });
  const engineRun = `${run}-engine`.slice(0, 64);
  const prediction = await predict({
    origins: st.info,
    id,
    run: engineRun,
    profile: typeof profile === 'string' ? profile : 'chromium',
    labCase: parsed.case as LabCase,
  });
  prediction.wire = st.logs.get(`${id}/${engineRun}`) ?? [];
  return sendJson(res, 200, prediction);
}

export async function control(
  st: LabState,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  pathname: string,
) {
  const parts = pathname.split('/');
  const what = parts[2];
  if (what === 'info' && req.method === 'GET') return sendJson(res, 200, st.info);
  if (what === 'setup' && req.method === 'PUT' && ID.test(parts[3] ?? ''))
    return setupCase(st, req, res, parts);
  if (what === 'log' && req.method === 'GET' && ID.test(parts[3] ?? '') && ID.test(parts[4] ?? '')) {
    return sendJson(res, 200, st.logs.get(`${parts[3]}/${parts[4]}`) ?? []);
  }
  if (what === 'send' && req.method === 'POST') return tunnel(st, req, res);
  if (what === 'predict' && req.method === 'POST') return predictRun(st, req, res);
  sendJson(res, 404, { error: 'unknown lab endpoint' });
}
