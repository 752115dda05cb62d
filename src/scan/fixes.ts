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
    case 'jsonp':
      return "Remove the JSONP callback parameter and serve JSON with CORS for the origins that need it: any page can include a JSONP URL as a script and read the data, with the user's cookies.";
  }
}
