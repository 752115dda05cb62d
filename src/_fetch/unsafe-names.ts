/**
 * The CORS-unsafe request-header names of a header list: what a preflight lists in
 * `Access-Control-Request-Headers`, and why each name is there.
 * https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names
 */
import { byteLowercase } from './bytes.js';
import { type RequestHeaderRules, SPEC_REQUEST_HEADER_RULES } from './header-rules.js';
import {
  CORS_SAFELISTED_TOTAL_MAX_LENGTH,
  corsSafelistedRequestHeaderFailure,
  type SafelistFailure,
} from './request-headers.js';

/**
 * Convert header names to a sorted-lowercase set: byte-lowercase each name, drop duplicates, sort
 * with byte less than.
 * https://fetch.spec.whatwg.org/#convert-header-names-to-a-sorted-lowercase-set
 */
export function convertHeaderNamesToSortedLowercaseSet(headerNames: Iterable<string>): string[] {
  // 1. Let headerNamesSet be a new ordered set.
  const headerNamesSet = new Set<string>();
  // 2. For each name of headerNames, append the result of byte-lowercasing name to headerNamesSet.
  for (const name of headerNames) headerNamesSet.add(byteLowercase(name));
  // 3. Return the result of sorting headerNamesSet in ascending order with byte less than.
  //    (Code-unit order is byte order for byte strings.)
  return [...headerNamesSet].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The CORS-unsafe request-header names with, for each (lower-case) name, the first reason found. */
export interface CorsUnsafeRequestHeaderNames {
  names: string[];
  reasons: Record<string, SafelistFailure | 'total-length'>;
}

/**
 * rules.combineSameName: a header list in which the headers of one name are combined into one
 * (values joined by `, `, in order, the first name's casing kept).
 */
function combineByName(headers: Iterable<readonly [string, string]>): [string, string][] {
  const out: [string, string][] = [];
  const index = new Map<string, number>();
  for (const [name, value] of headers) {
    const lower = byteLowercase(name);
    const at = index.get(lower);
    if (at === undefined) {
      index.set(lower, out.length);
      out.push([name, value]);
    } else {
      const entry = out[at] as [string, string];
      entry[1] = `${entry[1]}, ${value}`;
    }
  }
  return out;
}

/**
 * {@link corsUnsafeRequestHeaderNames} with the reason for each name: the first
 * {@link SafelistFailure} met for that name, or `total-length` when the name is safelisted on its
 * own but the safelisted values of the request add up to more than 1024 bytes. `reasons` has no
 * prototype (a header may be named `__proto__`).
 *
 * `rules`: a browser may combine the headers of one name first (`combineSameName`), drop the
 * 1024-byte total (`safelistTotalLimit`) or keep one name per header (`unsafeNamesKeepDuplicates`).
 * https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names
 */
export function corsUnsafeRequestHeaderNamesDetailed(
  headers: Iterable<readonly [string, string]>,
  rules: RequestHeaderRules = SPEC_REQUEST_HEADER_RULES,
): CorsUnsafeRequestHeaderNames {
  const reasons: Record<string, SafelistFailure | 'total-length'> = Object.create(null);
  const list = rules.combineSameName ? combineByName(headers) : headers;
  // 1. Let unsafeNames be a new list.
  const unsafeNames: string[] = [];
  // 2. Let potentiallyUnsafeNames be a new list.
  const potentiallyUnsafeNames: string[] = [];
  // 3. Let safelistValueSize be 0.
  let safelistValueSize = 0;
  // 4. For each header of headers:
  for (const [name, value] of list) {
    const failure = corsSafelistedRequestHeaderFailure(name, value, rules);
    if (failure !== null) {
      // 4.1. If header is not a CORS-safelisted request-header, append header's name to unsafeNames.
      unsafeNames.push(name);
      const lower = byteLowercase(name);
      if (reasons[lower] === undefined) reasons[lower] = failure;
    } else {
      // 4.2. Otherwise, append header's name to potentiallyUnsafeNames and increase
      //      safelistValueSize by header's value's length.
      potentiallyUnsafeNames.push(name);
      safelistValueSize += value.length;
    }
  }
  // 5. If safelistValueSize is greater than 1024, then for each name of potentiallyUnsafeNames,
  //    append name to unsafeNames (unless rules.safelistTotalLimit is off).
  if (safelistValueSize > CORS_SAFELISTED_TOTAL_MAX_LENGTH && rules.safelistTotalLimit) {
    for (const name of potentiallyUnsafeNames) {
      unsafeNames.push(name);
      const lower = byteLowercase(name);
      if (reasons[lower] === undefined) reasons[lower] = 'total-length';
    }
  }
  // 6. Return the result of convert header names to a sorted-lowercase set with unsafeNames.
  //    (rules.unsafeNamesKeepDuplicates: lower-cased and sorted, duplicates kept.)
  const names = rules.unsafeNamesKeepDuplicates
    ? unsafeNames.map(byteLowercase).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    : convertHeaderNamesToSortedLowercaseSet(unsafeNames);
  return { names, reasons };
}

/**
 * The CORS-unsafe request-header names of a header list: every header that is not a
 * CORS-safelisted request-header, plus every safelisted one when their values total more than 1024
 * bytes; lower-cased, unique, sorted. A preflight lists them, joined by `,`, in
 * `Access-Control-Request-Headers`. See {@link corsUnsafeRequestHeaderNamesDetailed} for `rules`.
 * https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names
 */
export function corsUnsafeRequestHeaderNames(
  headers: Iterable<readonly [string, string]>,
  rules: RequestHeaderRules = SPEC_REQUEST_HEADER_RULES,
): string[] {
  return corsUnsafeRequestHeaderNamesDetailed(headers, rules).names;
}
