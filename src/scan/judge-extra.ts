/**
 * Judging what is not CORS but beats or neighbours it: JSONP as browsers run it, cross-site
 * WebSocket hijacking, the cross-origin isolation posture (CORP, COOP), and hints for targets that
 * answer only POST or GraphQL. Pure.
 */
import { combined, type FindingList } from './findings.js';
import type { Exchange, Observations } from './send.js';
import type { Severity } from './types.js';

const JS_MIME = /^(?:text|application)\/(?:x-)?(?:javascript|ecmascript)$/;

function essence(x: Exchange): string {
  return (combined(x, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Whether `name` is called at the start of the body (`name(`, `/**\/name(`, `typeof name === 'function' && name(`). */
export function jsonpCalls(body: string, name: string): boolean {
  const re = new RegExp(
    `^\\s*(?:\\/\\*\\*\\/\\s*)?(?:typeof\\s+${name}\\s*===?\\s*['"]function['"]\\s*&&\\s*)?${name}\\s*\\(`,
  );
  return re.test(body);
}

/**
 * Whether a browser runs the answer as a classic script (a `<script src>` is a no-cors request):
 * Fetch blocks a non-JavaScript type under `nosniff`, and image/audio/video/text/csv always; ORB
 * blocks what sniffs as JSON or HTML. Anything else runs (text/html, text/plain, application/json
 * included) when it does not sniff as such.
 * https://fetch.spec.whatwg.org/#should-response-to-request-be-blocked-due-to-nosniff?
 */
export function runsAsScript(x: Exchange): boolean {
  const type = essence(x);
  if (JS_MIME.test(type)) return true;
  if ((combined(x, 'x-content-type-options') ?? '').toLowerCase().split(',')[0]?.trim() === 'nosniff')
    return false;
  if (/^(image|audio|video)\//.test(type) || type === 'text/csv') return false;
  return !/^\s*[[{<]/.test(x.response.bodyStart);
}

/** JSONP: a callback name reflected as a call at the start of the answer. */
export function judgeJsonp(obs: Observations, out: FindingList): void {
  const [first, second] = obs.jsonp.answers;
  if (!first || first.response.status < 200 || first.response.status > 299) return;
  const params = obs.jsonp.names.filter(([, n]) => jsonpCalls(first.response.bodyStart, n)).map(([p]) => p);
  if (params.length === 0) return;
  const name = obs.jsonp.names.find(([p]) => p === params[0])?.[1] ?? '';
  const type = essence(first) || 'no content type';
  if (!runsAsScript(first)) {
    out.push(
      'jsonp',
      'info',
      `\`?${params[0]}=…\` is wrapped around the data as a call, but served as ${type} with \`nosniff\` (or a type browsers never run), so a <script> will not run it. Keep it that way, or remove the callback.`,
      [first],
    );
    return;
  }
  let differs: boolean | null = null;
  if (second)
    differs =
      second.response.bodyHash !== first.response.bodyHash || !jsonpCalls(second.response.bodyStart, name);
  const severity: Severity = differs === true ? 'high' : differs === null ? 'medium' : 'low';
  const runs = JS_MIME.test(type)
    ? ''
    : ` (served as ${type} without \`nosniff\`: browsers run it as a script all the same)`;
  const cookieText =
    differs === true
      ? ', and the answer with the cookie differs from the one without (a <script> sends cookies unless SameSite stops it)'
      : differs === false
        ? ' (it looked the same with and without the cookie)'
        : ' (pass a cookie to tell whether it carries private data)';
  out.push(
    'jsonp',
    severity,
    `\`?${params[0]}=…\` is wrapped around the data as a JavaScript call${runs}: any page can load it with <script> and read it${cookieText}.`,
    obs.jsonp.answers,
    { differsWithCookies: differs },
  );
}

/** Cross-site WebSocket hijacking: a handshake from a foreign origin is accepted. */
export function judgeWebSocket(obs: Observations, out: FindingList): void {
  const [withCookie, without] = obs.websocket;
  if (withCookie?.response.status !== 101) return;
  const sessionOnly = without !== undefined && without.response.status !== 101;
  const severity: Severity = sessionOnly ? 'high' : 'medium';
  out.push(
    'websocket-hijacking',
    severity,
    `The WebSocket handshake from https://evil.example was accepted (101)${obs.cookie ? ' with the cookie' : ''}${sessionOnly ? ', and refused without it: the socket runs as the signed-in user, and any page the user visits can open it and read and send its messages' : obs.cookie ? ', and also without it (the socket may not depend on the session: check what it sends)' : ' (pass a cookie to tell whether the socket runs as the user)'}. No CORS check protects WebSockets: the server must check Origin itself.`,
    obs.websocket,
  );
}

/**
 * The cross-origin isolation posture, informational and only where it matters: sensitive JSON
 * (it differs with the cookie) without `Cross-Origin-Resource-Policy`; an HTML page that opens
 * popups without `Cross-Origin-Opener-Policy`.
 */
export function judgeIsolation(obs: Observations, differs: boolean | null, out: FindingList): void {
  const x = obs.cookied ?? obs.plain;
  if (!x) return;
  const type = essence(x);
  if (
    differs === true &&
    /(^|\/|\+)json$/.test(type) &&
    combined(x, 'cross-origin-resource-policy') === null
  ) {
    out.push(
      'missing-corp',
      'info',
      "This JSON carries the user's data (it differs with the cookie) and has no `Cross-Origin-Resource-Policy`: ORB keeps it out of other sites' no-cors loads in current browsers, and CORP states it for every browser and keeps it out of cross-origin-isolated pages.",
      [x],
    );
  }
  const page = obs.plain;
  if (page && essence(page) === 'text/html' && /\bwindow\.open\s*\(/.test(page.response.bodyStart)) {
    if (combined(page, 'cross-origin-opener-policy') === null) {
      out.push(
        'missing-coop',
        'info',
        'This page opens popups (`window.open(`) and has no `Cross-Origin-Opener-Policy`: a cross-origin window it opens, or one that opens it, keeps a reference to it (navigation, frame counting, XS-Leaks).',
        [page],
      );
    }
  }
}

/** Hints for targets that answer only POST or GraphQL (the GET probes saw little). */
export function judgeMethodHint(obs: Observations, method: string, out: FindingList): void {
  const x = obs.plain;
  if (!x || method !== 'GET') return;
  const allow = combined(x, 'allow') ?? '';
  const graphql =
    /graphql/i.test(new URL(obs.target).pathname) ||
    /must provide (a )?query|graphql/i.test(x.response.bodyStart);
  const postOnly = x.response.status === 405 || (x.response.status >= 400 && /\bPOST\b/i.test(allow));
  if (!graphql && !postOnly) return;
  out.push(
    'method-hint',
    'info',
    graphql
      ? `The target looks like a GraphQL endpoint (status ${x.response.status} to GET): scan it with the request it expects, e.g. \`crossorigin scan ${obs.target} -X POST -H 'content-type: application/json' --data '{"query":"{__typename}"}'\`.`
      : `The target answers GET with ${x.response.status}${allow ? ` (Allow: ${allow})` : ''}: scan it with the method it accepts, e.g. \`crossorigin scan ${obs.target} -X POST --data '…'\`.`,
    [x],
  );
}
