/**
 * Where Chromium, Firefox and the standards differ on ORB, CORP and COEP: data read by the
 * algorithms in this folder. Each value is what Chromium 156 and Firefox ESR 153 did in
 * test/browsers/isolation (docs/browser.md, "Beyond CORS: ORB, CORP, COEP and COOP").
 */
export interface IsolationProfile {
  /**
   * Which opaque-response-blocking algorithm: `spec` (Fetch PR #1442 / the ORB explainer: safelist,
   * image and media sniffing, then a JavaScript parse; Firefox), or `chromium` (ORB "v0.1": CSS,
   * SVG, audio and video pass; everything else is blocked only when nosniff or 206 says so or the
   * body sniffs as HTML, XML or JSON, JavaScript MIME types included; no JavaScript parse).
   */
  readonly orb: 'spec' | 'chromium';
  /** Whether `nosniff` with `text/plain` blocks before image sniffing (spec, Chromium) or not (Firefox). */
  readonly orbNosniffTextPlain: boolean;
  /** What a no-cors `fetch()` gets when ORB blocks: a network error (spec) or an empty opaque response (Chromium, Firefox). */
  readonly orbBlockedFetch: 'network-error' | 'empty-opaque';
  /**
   * Under COEP `require-corp`, a `Cross-Origin-Resource-Policy` value that does not parse counts
   * as absent, so defaulted to `same-origin` (spec, Chromium), or satisfies COEP (Firefox).
   */
  readonly coepUnknownCorp: 'as-absent' | 'as-cross-origin';
  /** Whether COOP `noopener-allow-popups` is understood (spec, Chromium) or ignored as unknown (Firefox ESR 153). */
  readonly coopNoopenerAllowPopups: boolean;
  /**
   * Whether an `<img>` answered `image/svg+xml` is decoded as SVG only, so a PNG body fails
   * (Chromium), or still sniffed as a raster image (Firefox).
   */
  readonly imageSvgOnlyForSvgType: boolean;
  /** `performance.now()` resolution in milliseconds, cross-origin isolated and not (HTML: 5 µs and 100 µs). */
  readonly timerResolution: { readonly isolated: number; readonly notIsolated: number };
}

export const ISOLATION_SPEC: IsolationProfile = Object.freeze({
  orb: 'spec',
  orbNosniffTextPlain: true,
  orbBlockedFetch: 'network-error',
  coepUnknownCorp: 'as-absent',
  coopNoopenerAllowPopups: true,
  imageSvgOnlyForSvgType: true,
  timerResolution: { isolated: 0.005, notIsolated: 0.1 },
});

export const ISOLATION_CHROMIUM: IsolationProfile = Object.freeze({
  orb: 'chromium',
  orbNosniffTextPlain: true,
  orbBlockedFetch: 'empty-opaque',
  coepUnknownCorp: 'as-absent',
  coopNoopenerAllowPopups: true,
  imageSvgOnlyForSvgType: true, // chromium: a PNG served as image/svg+xml does not load (observed)
  timerResolution: { isolated: 0.005, notIsolated: 0.1 },
});

export const ISOLATION_FIREFOX: IsolationProfile = Object.freeze({
  orb: 'spec',
  orbNosniffTextPlain: false,
  orbBlockedFetch: 'empty-opaque',
  coepUnknownCorp: 'as-cross-origin',
  coopNoopenerAllowPopups: false,
  imageSvgOnlyForSvgType: false, // firefox: still decodes the PNG (observed)
  timerResolution: { isolated: 0.02, notIsolated: 1 }, // firefox: privacy.reduceTimerPrecision (observed)
});
