/** `explain` of a console paste: the top level's notes are the paste's own, never the first item repeated. */
import { describe, expect, it } from 'vitest';
import { explainConsole } from './_explain-evidence.js';
import { formatExplain } from './explain.js';

const VALUES = { url: 'http://api.example.test/data', origin: 'http://app.example.test' };
const id = (s: string) => s;
const plain = { bold: id, dim: id, red: id, green: id, yellow: id, cyan: id, magenta: id };

describe('explainConsole', () => {
  it('one pasted line: "Also in the paste" lists only other items', () => {
    for (const line of [
      'Failed to load resource: net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin',
      `Connecting to '${VALUES.url}' violates the following Content Security Policy directive: "connect-src 'self'". The action has been blocked.`,
      `Access to fetch at '${VALUES.url}' from origin '${VALUES.origin}' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.`,
    ]) {
      const r = explainConsole(line);
      expect(r.notes ?? []).toEqual([]);
      expect(formatExplain(r, plain)).not.toContain('Also in the paste');
    }
    const withNetwork = explainConsole(
      `Access to fetch at '${VALUES.url}' from origin '${VALUES.origin}' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.\nGET ${VALUES.url} net::ERR_FAILED 200 (OK)`,
    );
    expect(withNetwork.notes?.length).toBe(1);
  });
});
