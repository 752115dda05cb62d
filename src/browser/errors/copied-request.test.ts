/**
 * Windows "Copy as cURL (cmd)": the quoting both browsers write (Chromium's NetworkLogView
 * generateCurlCommand 'win', Firefox's curl.js escapeStringWin), one rule per test. The real copies
 * of both browsers are parsed to the same request as their bash copies in
 * test/cli/explain-copied-real.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { cmdWords, parseCurl } from './copied-request.js';

describe('cmdWords', () => {
  it('an argument is quoted as ^"…^" and ^ escapes the next character', () => {
    expect(cmdWords('curl ^"http://a.test/x?a=1^&b=2^"')).toEqual(['curl', 'http://a.test/x?a=1&b=2']);
  });
  it('a literal double quote is \\^" (the C runtime\'s escaped quote)', () => {
    expect(cmdWords('curl -H ^"X: a \\^"b\\^"^"')).toEqual(['curl', '-H', 'X: a "b"']);
  });
  it('%^ keeps a percent sign from naming an environment variable', () => {
    expect(cmdWords('curl ^"http://a.test/%^20x^"')).toEqual(['curl', 'http://a.test/%20x']);
  });
  it('^ at the end of a line continues the command; ^ and two newlines are a newline in an argument', () => {
    expect(cmdWords('curl ^"u^" ^\n  --data-raw ^"a^\n\nb^"')).toEqual(['curl', 'u', '--data-raw', 'a\nb']);
  });
  it('an unbalanced quote is refused', () => {
    expect(cmdWords('curl ^"http://a.test/')).toBeNull();
  });
});

describe('parseCurl: the cmd form', () => {
  it("Firefox's curl.exe and Chromium's --url, both read as curl", () => {
    const ff = parseCurl('curl.exe ^"http://a.test/x^" ^\n  -H ^"Origin: http://app.test^"');
    const cr = parseCurl('curl --url ^"http://a.test/x^" ^\n  -H ^"Origin: http://app.test^"');
    for (const p of [ff, cr]) {
      expect(p.ok && p.request.url).toBe('http://a.test/x');
      expect(p.ok && p.request.origin).toBe('http://app.test');
    }
  });
});
