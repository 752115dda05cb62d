import { describe, expect, it } from 'vitest';
import { matchPaste } from '../../lab/src/paste.js';

describe('the paste box finds the scenario for a console line', () => {
  it.each([
    [
      "Access to fetch at 'http://127.0.0.1:4871/c/x/1/data' from origin 'http://127.0.0.1:4870' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
      'no-acao',
    ],
    [
      'Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://api.test/data. (Reason: CORS preflight response did not succeed). Status code: 404.',
      'preflight-404',
    ],
    ['[Error] Preflight response is not successful. Status code: 403', 'preflight-404'],
    [
      "Access to fetch at 'http://api.test/data' from origin 'http://app.test' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
      'put-authorization-refused',
    ],
  ])('%s', (line, id) => {
    const m = matchPaste(line);
    expect(m.ok && m.scenario.id).toBe(id);
  });

  it('unknown text and copied requests are said so', () => {
    expect(matchPaste('hello').ok).toBe(false);
    const c = matchPaste("curl 'http://x.test/'");
    expect(!c.ok && c.message).toContain('crossorigin explain');
  });
});
