/**
 * `check`'s page context: `--page-url <url>` or `--https-page`, `--page-csp <policy>` (once per
 * header line) and `--coep <value>` make the page (`createPageContext`) the engine checks every hop
 * against (mixed content, CSP, Local Network Access; COEP on the answers); its refusals are
 * explained on the page's side, since nothing reached the server.
 */
import { type CorsError, createPageContext, isContextErrorKind, type PageContext } from '../browser/index.js';
import type { CheckFlags, CheckResult } from './_check-types.js';
import type { Style } from './output.js';
import { UsageError } from './output.js';

/**
 * The page from the flags, or null when none of them is given. `--page-url` alone sets `--from`
 * to its origin; `--https-page` is `--from` with the https: scheme (same host and port).
 */
export function parsePageFlags(flags: CheckFlags): PageContext | null {
  const csp = flags.pageCsp ?? [];
  if (flags.pageUrl === undefined && !flags.httpsPage && csp.length === 0 && flags.coep === undefined)
    return null;
  let url = flags.pageUrl;
  if (url === undefined) {
    if (!flags.from)
      throw new UsageError('--page-csp, --coep and --https-page need --from <origin> or --page-url <url>');
    const from = URL.parse(flags.from);
    if (from === null || (from.protocol !== 'http:' && from.protocol !== 'https:'))
      throw new UsageError(`--from "${flags.from}" is not an http(s) origin`);
    if (flags.httpsPage) from.protocol = 'https:';
    url = `${from.origin}/`;
  } else if (flags.httpsPage && !url.startsWith('https:')) {
    throw new UsageError('--https-page contradicts --page-url (not https:): give one of them');
  }
  let page: PageContext;
  try {
    page = createPageContext({ url, csp, ...(flags.coep !== undefined ? { coep: flags.coep } : {}) });
  } catch (e) {
    throw new UsageError(`--page-url: ${(e as Error).message.replace(/^createPageContext: /, '')}`);
  }
  if (flags.pageUrl !== undefined && flags.from !== undefined) {
    const from = URL.parse(flags.from);
    if (from !== null && from.origin !== page.originSerialized)
      throw new UsageError(
        `--page-url ${page.url} is not on --from ${from.origin}: drop --from (it defaults to the page's origin)`,
      );
  }
  return page;
}

/** The `--from` the page implies (its origin), when the page is given. */
export function fromOfPage(flags: CheckFlags, page: PageContext | null): string | undefined {
  return page === null ? flags.from : page.originSerialized;
}

/** The page as the result reports it. */
export function pageSummary(page: PageContext): NonNullable<CheckResult['page']> {
  return {
    url: page.url,
    secureContext: page.secureContext,
    csp: page.csp.filter((p) => p.disposition === 'enforce').map((p) => p.source),
    coep: page.coep,
    ...(page.warnings.length ? { warnings: [...page.warnings] } : {}),
  };
}

/** A page-context refusal's explanation: the page refused it, nothing was sent. Null for other kinds. */
export function pageFailureExplained(failure: CorsError): Pick<CheckResult, 'diagnosis' | 'fix'> | null {
  if (!isContextErrorKind(failure.kind)) return null;
  const why: Record<string, string> = {
    'mixed-content-blocked':
      'The page is https: and the URL is http: on a host that is not potentially trustworthy: a blockable request (fetch, XHR, script) is refused as mixed content.',
    'csp-blocked': `The page's Content-Security-Policy does not allow this URL (directive "${failure.context?.directive ?? ''}").`,
    'local-network-insecure-context':
      'The page is not a secure context and the URL is in a more private address space (Local Network Access).',
    'local-network-permission-denied':
      'The user has not allowed this site to reach the local network (Local Network Access).',
  };
  return {
    diagnosis: {
      cause: why[failure.kind] ?? failure.kind,
      candidates: [],
      sent: `Nothing was sent: the browser refused the ${failure.method} before any request left the page.`,
    },
    fix: { text: failure.fix, side: 'page' },
  };
}

/** The page, before the exchanges. */
export function pageLines(r: CheckResult, st: Style): string[] {
  const L: string[] = [];
  if (r.page) {
    const csp = r.page.csp.length ? `, CSP ${r.page.csp.map((c) => JSON.stringify(c)).join(' + ')}` : '';
    const coep = r.page.coep !== 'unsafe-none' ? `, COEP ${r.page.coep}` : '';
    L.push(
      st.dim(
        `Page: ${r.page.url} (${r.page.secureContext ? 'secure context' : 'not a secure context'}${csp}${coep})`,
      ),
    );
    for (const w of r.page.warnings ?? []) L.push(st.yellow(`Note: ${w}`));
    L.push('');
  }
  return L;
}

/** Every console line the browser prints besides the refusal's (its second line, upgrades, report-only), after the verdict. */
export function pageConsoleLines(r: CheckResult, st: Style): string[] {
  const L: string[] = [];
  const other = (r.console ?? []).filter((l) => l !== r.error?.message);
  if (other.length) {
    L.push('', st.bold(`Also in the console (${r.browser}):`));
    for (const l of other) L.push(`  ${l}`);
  }
  return L;
}
