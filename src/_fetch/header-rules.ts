/**
 * The request-header rules a browser applies where it departs from the Fetch Standard, as data.
 * `_fetch` knows no browser: a browser profile (src/browser/profiles.ts) hands these rules to the
 * header classes (request-headers.ts); the default is the standard's.
 */

/** How a browser's request-header classes differ from the Fetch Standard's. */
export interface RequestHeaderRules {
  /** Request-header names forbidden beyond the standard's list, lower-case (e.g. `user-agent`). */
  readonly extraForbiddenNames: ReadonlySet<string>;
  /**
   * Request headers CORS-safelisted beyond the standard's five, by lower-case name, each with the
   * value form accepted (e.g. client hints).
   */
  readonly extraSafelisted: ReadonlyMap<string, (value: string) => boolean>;
  /** Whether bytes 0x80-0xFF in an `accept` or `content-type` value are CORS-unsafe. */
  readonly highBytesUnsafe: boolean;
  /** The largest number a safelisted `range` may hold (decimal digits), or null for no limit. */
  readonly rangeMax: string | null;
  /** Whether the `bytes` unit of a safelisted `range` matches in any case (`Bytes=0-`: Chromium 150). */
  readonly rangeUnitCaseInsensitive: boolean;
  /** Whether the headers of one name are combined (values joined by `, `) before being classified. */
  readonly combineSameName: boolean;
  /** Whether safelisted values totalling more than 1024 bytes make their names CORS-unsafe. */
  readonly safelistTotalLimit: boolean;
  /** Whether the CORS-unsafe names list one entry per header (duplicates kept) rather than a set. */
  readonly unsafeNamesKeepDuplicates: boolean;
}

/** The Fetch Standard's rules. */
export const SPEC_REQUEST_HEADER_RULES: RequestHeaderRules = Object.freeze({
  extraForbiddenNames: new Set<string>(),
  extraSafelisted: new Map<string, (value: string) => boolean>(),
  highBytesUnsafe: false,
  rangeMax: null,
  rangeUnitCaseInsensitive: false,
  combineSameName: false,
  safelistTotalLimit: true,
  unsafeNamesKeepDuplicates: false,
});
