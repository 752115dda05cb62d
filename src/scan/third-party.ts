/**
 * Hosts anyone can get: tunnels, sandboxes, hosting platforms and code playgrounds. Each entry is a
 * suffix under which a provider hands out names (most are in the Public Suffix List's private
 * section, which tldts carries: `isPrivateSuffix` says so for any trusted host, listed here or not),
 * and who can get one. Probe origins use a label of our own under each suffix.
 */
import { parse } from '../_tldts.js';

export interface ThirdPartyHost {
  /** The suffix, or the exact host for single-host playgrounds. */
  suffix: string;
  /** Whether names are handed out under the suffix (`x.suffix`) or the host itself is shared. */
  shared: 'subdomain' | 'host';
  /** Who can get such a host, in the finding's words. */
  who: string;
}

export const THIRD_PARTY_HOSTS: readonly ThirdPartyHost[] = [
  // Tunnels: one command exposes a laptop's server under the provider's name.
  { suffix: 'ngrok-free.app', shared: 'subdomain', who: 'anyone with a free ngrok account (tunnel)' },
  { suffix: 'ngrok.io', shared: 'subdomain', who: 'anyone with an ngrok account (tunnel, older domain)' },
  { suffix: 'ngrok.app', shared: 'subdomain', who: 'anyone with an ngrok account (tunnel)' },
  { suffix: 'loca.lt', shared: 'subdomain', who: 'anyone running `npx localtunnel` (no account)' },
  {
    suffix: 'trycloudflare.com',
    shared: 'subdomain',
    who: 'anyone running `cloudflared tunnel` (no account)',
  },
  // Hosting platforms: a free account gets a name under the platform's domain.
  { suffix: 'github.io', shared: 'subdomain', who: 'any GitHub user (GitHub Pages)' },
  { suffix: 'gitlab.io', shared: 'subdomain', who: 'any GitLab user (GitLab Pages)' },
  { suffix: 'vercel.app', shared: 'subdomain', who: 'anyone with a free Vercel account' },
  { suffix: 'netlify.app', shared: 'subdomain', who: 'anyone with a free Netlify account' },
  { suffix: 'pages.dev', shared: 'subdomain', who: 'anyone with a free Cloudflare account (Pages)' },
  { suffix: 'workers.dev', shared: 'subdomain', who: 'anyone with a free Cloudflare account (Workers)' },
  { suffix: 'herokuapp.com', shared: 'subdomain', who: 'any Heroku customer' },
  { suffix: 'onrender.com', shared: 'subdomain', who: 'anyone with a free Render account' },
  { suffix: 'fly.dev', shared: 'subdomain', who: 'any Fly.io customer' },
  { suffix: 'glitch.me', shared: 'subdomain', who: 'anyone with a free Glitch account' },
  { suffix: 'replit.app', shared: 'subdomain', who: 'any Replit user' },
  { suffix: 'repl.co', shared: 'subdomain', who: 'any Replit user (older domain)' },
  { suffix: 'azurewebsites.net', shared: 'subdomain', who: 'any Azure customer (App Service)' },
  { suffix: 'cloudfront.net', shared: 'subdomain', who: 'any AWS customer (CloudFront distribution)' },
  { suffix: 's3.amazonaws.com', shared: 'subdomain', who: 'any AWS customer (S3 bucket website)' },
  { suffix: 'appspot.com', shared: 'subdomain', who: 'any Google Cloud customer (App Engine)' },
  { suffix: 'firebaseapp.com', shared: 'subdomain', who: 'any Firebase user' },
  { suffix: 'web.app', shared: 'subdomain', who: 'any Firebase user' },
  // Code playgrounds and sandboxes: anyone runs script on the provider's own origin.
  { suffix: 'codepen.io', shared: 'host', who: 'anyone (CodePen runs visitors’ pens)' },
  { suffix: 'cdpn.io', shared: 'host', who: 'anyone (CodePen previews)' },
  { suffix: 'jsfiddle.net', shared: 'host', who: 'anyone (JSFiddle)' },
  { suffix: 'fiddle.jshell.net', shared: 'host', who: 'anyone (JSFiddle results)' },
  { suffix: 'jsbin.com', shared: 'host', who: 'anyone (JS Bin)' },
  { suffix: 'csb.app', shared: 'subdomain', who: 'anyone (CodeSandbox previews)' },
  { suffix: 'stackblitz.io', shared: 'subdomain', who: 'anyone (StackBlitz previews)' },
];

/** The label of our own used under each suffix. */
export const PROBE_LABEL = 'crossorigin-scan';

/** The probe origin for a third-party host. */
export function thirdPartyOrigin(t: ThirdPartyHost): string {
  return t.shared === 'host' ? `https://${t.suffix}` : `https://${PROBE_LABEL}.${t.suffix}`;
}

/**
 * Whether `host` sits under a suffix of the Public Suffix List's private section (a provider hands
 * out names there), and which suffix.
 */
export function privateSuffixOf(host: string): string | null {
  const p = parse(host, { allowPrivateDomains: true });
  return p.isPrivate === true && p.publicSuffix ? p.publicSuffix : null;
}

/** Who can get `host`: from the table, else from the private section of the list. */
export function whoCanGet(host: string): string | null {
  for (const t of THIRD_PARTY_HOSTS) {
    if (host === t.suffix || host.endsWith(`.${t.suffix}`)) return t.who;
  }
  const suffix = privateSuffixOf(host);
  return suffix === null
    ? null
    : `anyone the provider of ${suffix} gives a name to (listed in the Public Suffix List's private section)`;
}

/** Whether `host` can be registered by anyone today: its public suffix is a real one (ICANN or private). */
export function isRegistrable(host: string): boolean {
  const p = parse(host, { allowPrivateDomains: true });
  return p.domain !== null && (p.isIcann === true || p.isPrivate === true);
}

/**
 * Whether a look-alike of the site's host can be had by someone: when the site is on a known public
 * suffix, the look-alike must be too (a dot replaced inside `com.au` gives `comxau`, which is no
 * TLD); on names outside the list (`.test`, `.internal`) every variant is kept.
 */
export function plausibleLookAlike(variant: string, siteHost: string): boolean {
  const site = parse(siteHost, { allowPrivateDomains: true });
  if (site.isIcann !== true && site.isPrivate !== true) return true;
  return isRegistrable(variant);
}
