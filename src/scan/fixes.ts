/**
 * For each finding class: a title, and what to change (with a `crossorigin/server` snippet where a
 * policy is the answer).
 */
import type { FindingClass } from './types.js';

export const TITLES: Readonly<Record<FindingClass, string>> = {
  'origin-reflection': 'Any origin is trusted (Origin reflected into Access-Control-Allow-Origin)',
  'null-origin': 'The `null` origin is trusted',
  'prefix-match': 'Origins that merely start with a trusted name are trusted',
  'suffix-match': 'Origins that merely end with the trusted domain are trusted',
  'partial-domain-match': 'Origins that are a substring of the trusted domain are trusted',
  'unescaped-dot': 'Unescaped dot in an origin regular expression',
  'special-characters': 'Origins with special characters after the trusted name are trusted',
  'arbitrary-subdomain': 'Every subdomain is trusted',
  'insecure-origin': 'An http: origin is trusted by an https: site',
  'third-party-origin': 'A third-party hosting origin (anyone can publish there) is trusted',
  'wildcard-origin': 'Access-Control-Allow-Origin: * (public resource)',
  'wildcard-with-credentials':
    'Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials: true',
  'multiple-allow-origin': 'Several Access-Control-Allow-Origin values',
  'invalid-allow-origin': 'Access-Control-Allow-Origin is not a valid origin',
  'missing-vary-origin': 'Access-Control-Allow-Origin depends on Origin but Vary: Origin is missing',
  'preflight-reflection': 'Preflight answers echo any requested method or header',
  'preflight-any-method': 'Preflight answers allow every method (Access-Control-Allow-Methods: *)',
  jsonp: 'JSONP endpoint (a callback parameter is reflected into a script)',
  'partial-host-match': 'Origins that contain or are contained in the trusted host are trusted',
  'development-origin': 'A development origin (localhost) is trusted in production',
  'broken-parser': 'The server decodes the Origin before echoing it',
  'preflight-only-trust': 'Preflights from any origin are allowed (the state-changing request is sent)',
  'websocket-hijacking': 'Cross-site WebSocket hijacking: the handshake accepts any Origin',
  'missing-corp': 'Sensitive JSON without Cross-Origin-Resource-Policy',
  'missing-coop': 'A page that opens popups has no Cross-Origin-Opener-Policy',
  'method-hint': 'The target answers another method: scan it with -X / --data',
};

function policySnippet(siteOrigin: string, credentials: boolean): string {
  return [
    "import { createCorsPolicy } from 'crossorigin/server';",
    `const policy = createCorsPolicy({ origins: [${JSON.stringify(siteOrigin)}]${credentials ? ', credentials: true' : ''} });`,
  ].join('\n');
}

const EXACT =
  'Compare the Origin header with an allowlist of exact serialized origins (scheme, host and port), never with startsWith, endsWith, includes or an unanchored regular expression';

/** What to change for a finding of `cls` on a site whose own origin is `siteOrigin`. */
export function fixFor(cls: FindingClass, siteOrigin: string, credentials: boolean): string {
  const snippet = `\n${policySnippet(siteOrigin, credentials)}`;
  switch (cls) {
    case 'origin-reflection':
      return `Stop echoing the request's Origin: allow only the origins that need access (with the \`cors\` package, \`origin: true\` echoes every origin; pass a list).${snippet}`;
    case 'null-origin':
      return `Remove \`null\` from the allowed origins: sandboxed iframes, data: URLs and local files all send \`Origin: null\`, so trusting it trusts anyone.${snippet}`;
    case 'prefix-match':
    case 'suffix-match':
    case 'partial-domain-match':
    case 'partial-host-match':
    case 'special-characters':
      return `${EXACT}.${snippet}`;
    case 'unescaped-dot':
      return `Escape the dots in origin regular expressions and anchor them (\`/^https:\\/\\/app\\.example\\.com$/\`), or better, use an exact list or crossorigin/origin patterns.${snippet}`;
    case 'arbitrary-subdomain':
      return `List the subdomains that need access instead of \`*.domain\`: an XSS or a dangling DNS record on any subdomain would otherwise read these responses${credentials ? " with the user's cookies" : ''}.${snippet}`;
    case 'insecure-origin':
      return `Trust only https: origins on an https: site: anyone on the network path can inject script into the http: origin.${snippet}`;
    case 'third-party-origin':
      return `Remove shared hosting and code-playground origins (github.io, codepen.io, jsfiddle.net, vercel.app, …) from the allowlist: anyone can publish a page there.${snippet}`;
    case 'wildcard-origin':
      return 'Nothing to do if the resource is public. If it is not, replace `*` with the origins that need access (and authenticate the request).';
    case 'wildcard-with-credentials':
      return `Browsers refuse \`*\` with credentials, so the intent here fails closed; but do not "fix" it by echoing the Origin. Send the exact allowed origin and \`Access-Control-Allow-Credentials: true\`, or drop credentials and keep \`*\`.${snippet}`;
    case 'multiple-allow-origin':
      return 'Send exactly one origin in one Access-Control-Allow-Origin line, chosen by matching the request Origin against the allowlist (a proxy and the application may both be adding the header).';
    case 'invalid-allow-origin':
      return 'Send a serialized origin (`https://app.example.com`, no path, no trailing slash), `*`, or nothing.';
    case 'missing-vary-origin':
      return "Add `Vary: Origin` to every response whose Access-Control-Allow-Origin depends on the request Origin (including responses that do not allow it), so caches do not serve one origin's answer to another. crossorigin/server does this.";
    case 'preflight-reflection':
      return 'List the methods and request headers the API accepts in Access-Control-Allow-Methods / -Headers instead of echoing Access-Control-Request-Method / -Headers (the `cors` package echoes request headers unless `allowedHeaders` is set).';
    case 'preflight-any-method':
      return 'List the methods the API accepts (`Access-Control-Allow-Methods: PUT, DELETE`) instead of `*`.';
    case 'development-origin':
      return `Keep development origins (http://localhost:*, 127.0.0.1) out of the production allowlist: any server on the user's machine, such as another project's dev server or a malicious package, can be that origin. Allow them only in a development configuration.${snippet}`;
    case 'broken-parser':
      return `Compare the Origin header byte for byte with exact serialized origins; never percent-decode it or parse it leniently before the comparison.${snippet}`;
    case 'preflight-only-trust':
      return `Answer preflights with the same allowlist as the actual request (one policy for both): a preflight that trusts an origin lets the browser send the state-changing request with cookies. Also refuse state changes without a CSRF check (crossorigin/csrf).${snippet}`;
    case 'websocket-hijacking':
      return 'Check the Origin of every WebSocket handshake against an exact allowlist and refuse others with 403 (crossorigin/csrf guards upgrades), and do not rely on cookies alone to authenticate the socket (use a token sent in the first message).';
    case 'missing-corp':
      return 'Send `Cross-Origin-Resource-Policy: same-origin` (or `same-site`) on responses with user data, so no other site can embed them, in any browser.';
    case 'missing-coop':
      return 'Send `Cross-Origin-Opener-Policy: same-origin-allow-popups` (keeps the popups it opens, such as OAuth, working) or `same-origin` where the page opens none that must talk back.';
    case 'method-hint':
      return 'Run the scan again with the method and body the endpoint expects (`-X POST --data …`, plus `-H content-type: …`).';
    case 'jsonp':
      return "Remove the JSONP callback parameter and serve JSON with CORS for the origins that need it: any page can include a JSONP URL as a script and read the data, with the user's cookies.";
  }
}
