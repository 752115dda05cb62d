/**
 * Content Security Policy Level 3: parsing a page's policies (§2.2), once, into lookup tables the
 * checks in csp.ts read. https://w3c.github.io/webappsec-csp/#policy-parsing
 */

/** A policy's disposition. https://w3c.github.io/webappsec-csp/#policy-disposition */
export type CspDisposition = 'enforce' | 'report';

/** One policy: its directives by lower-case name, each with its value (a list of tokens, as written). */
export interface CspPolicy {
  readonly disposition: CspDisposition;
  /** Directive name (lower-case) -> value tokens, in order. The first of a repeated directive wins. */
  readonly directives: ReadonlyMap<string, readonly string[]>;
  /** The policy as written (one comma-separated member of a header value), trimmed. */
  readonly source: string;
}

const ASCII_WS = /[\t\n\f\r ]+/;
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Parse a serialized CSP. https://w3c.github.io/webappsec-csp/#parse-serialized-policy
 * Repeated directives are ignored (the browsers print a console warning for them).
 */
export function parseSerializedCsp(
  serialized: string,
  disposition: CspDisposition,
  warnings?: string[],
): CspPolicy {
  // 1. Let policy be a new policy with an empty directive set, a source of source, and a disposition of disposition.
  const directives = new Map<string, readonly string[]>();
  // 2. For each token returned by strictly splitting serialized on the U+003B SEMICOLON character (;):
  for (const raw of serialized.split(';')) {
    // 2.1. Strip leading and trailing ASCII whitespace from token.
    const token = raw.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '');
    // 2.2. If token is an empty string, or if token is not an ASCII string, continue.
    if (token === '' || NON_ASCII.test(token)) continue;
    // 2.3-2.4. The directive name is the token up to the first ASCII whitespace, ASCII-lowercased.
    const parts = token.split(ASCII_WS);
    const name = (parts[0] as string).toLowerCase();
    // 2.5. If policy's directive set contains a directive whose name is directive name, continue.
    if (directives.has(name)) {
      warnings?.push(`Content-Security-Policy: the directive '${name}' is repeated; the repeat is ignored`);
      continue;
    }
    // 2.6. Let directive value be the result of splitting token on ASCII whitespace.
    // 2.7-2.8. Append the directive.
    directives.set(name, parts.slice(1));
  }
  // 3. Return policy.
  return { disposition, directives, source: serialized.trim() };
}

/**
 * Parse a serialized CSP list, for every header line of a response: each comma-separated member is
 * a policy; one with no directive is dropped.
 * https://w3c.github.io/webappsec-csp/#parse-serialized-policy-list
 */
export function parseResponseCsps(
  values: readonly string[],
  disposition: CspDisposition,
  warnings?: string[],
): CspPolicy[] {
  // 1. Let policies be an empty list.
  const policies: CspPolicy[] = [];
  for (const value of values) {
    // 2. For each token returned by splitting list on commas:
    for (const token of value.split(',')) {
      // 2.1. Let policy be the result of parsing token, with a source of "header" and disposition.
      const policy = parseSerializedCsp(token, disposition, warnings);
      // 2.2. If policy's directive set is empty, continue.
      if (policy.directives.size === 0) continue;
      // 2.3. Append policy to policies.
      policies.push(policy);
    }
  }
  // 3. Return policies.
  return policies;
}
