/**
 * Cross-Origin-Opener-Policy (HTML): whether a popup lands in a new browsing context group, which
 * severs `window.opener` in the popup and turns the opener's handle `closed`, so `postMessage`
 * stops working both ways.
 */
import { isSameOrigin, parseOrigin } from '../../origin/index.js';
import type { IsolationProfile } from './profile.js';

export type OpenerPolicyValue =
  | 'unsafe-none'
  | 'same-origin'
  | 'same-origin-allow-popups'
  | 'noopener-allow-popups';

/**
 * Obtain an opener policy's value from a `Cross-Origin-Opener-Policy` header (a structured-header
 * token; parameters ignored); anything else, or a page that is not a secure context, is
 * `unsafe-none`. firefox: `noopener-allow-popups` is not known (ESR 153), so it is `unsafe-none`.
 * https://html.spec.whatwg.org/multipage/browsers.html#obtain-coop
 */
export function parseOpenerPolicy(
  value: string | null | undefined,
  secureContext: boolean,
  profile: Pick<IsolationProfile, 'coopNoopenerAllowPopups'>,
): OpenerPolicyValue {
  // 1-2. Only a secure context's response is consulted.
  if (!secureContext || value === null || value === undefined) return 'unsafe-none';
  const token = value.trim().split(';')[0]?.trim() ?? '';
  if (token === 'same-origin' || token === 'same-origin-allow-popups') return token;
  if (token === 'noopener-allow-popups' && profile.coopNoopenerAllowPopups) return token;
  return 'unsafe-none';
}

/**
 * Check if COOP values require a browsing context group switch, for a popup's first navigation
 * away from its initial `about:blank` (which has the opener's origin and opener policy).
 * https://html.spec.whatwg.org/multipage/browsers.html#check-browsing-context-group-switch-coop-value
 */
export function coopRequiresBrowsingContextGroupSwitch(input: {
  /** The opener's origin and policy (inherited by the popup's initial about:blank). */
  openerOrigin: string;
  openerPolicy: OpenerPolicyValue;
  /** The popup's response: its origin and policy. */
  popupOrigin: string;
  popupPolicy: OpenerPolicyValue;
}): boolean {
  const { openerPolicy, popupPolicy } = input;
  // 1. If responseCOOPValue is "noopener-allow-popups", return true (always a new group).
  if (popupPolicy === 'noopener-allow-popups') return true;
  // 2. If isInitialAboutBlank, the active COOP allows popups and responseCOOPValue is "unsafe-none",
  //    return false.
  if (
    (openerPolicy === 'same-origin-allow-popups' || openerPolicy === 'noopener-allow-popups') &&
    popupPolicy === 'unsafe-none'
  ) {
    return false;
  }
  // 3. If matching COOP (both unsafe-none, or equal values and same origin), return false.
  if (openerPolicy === 'unsafe-none' && popupPolicy === 'unsafe-none') return false;
  if (
    openerPolicy === popupPolicy &&
    isSameOrigin(parseOrigin(input.openerOrigin), parseOrigin(input.popupOrigin))
  ) {
    return false;
  }
  // 4. Return true.
  return true;
}

/** What the opener and the popup can still do with each other. */
export interface PopupRelation {
  /** The popup landed in a new browsing context group. */
  severed: boolean;
  /** `window.opener` in the popup is a WindowProxy (not null). */
  popupSeesOpener: boolean;
  /** The opener's handle reports `closed === true` once the popup navigated. */
  handleClosed: boolean;
  /** `postMessage` works, opener to popup and popup to opener. */
  postMessage: boolean;
}

/** The relation between an opener and a popup it opened with `window.open(url)`. */
export function popupRelation(
  input: Parameters<typeof coopRequiresBrowsingContextGroupSwitch>[0],
): PopupRelation {
  const severed = coopRequiresBrowsingContextGroupSwitch(input);
  return { severed, popupSeesOpener: !severed, handleClosed: severed, postMessage: !severed };
}
