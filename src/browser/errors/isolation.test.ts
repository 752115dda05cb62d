/** The isolation console lines: each message is exactly one template of its browser, with its kind. */
import { describe, expect, it } from 'vitest';
import type { BrowserName } from '../types.js';
import { ISOLATION_TEMPLATES, type IsolationErrorKind, isolationFix, isolationMessage } from './isolation.js';

/** The templates a line matches (literal text; `{name}` matches anything). */
function matching(line: string, browser: string) {
  return ISOLATION_TEMPLATES.filter((t) => {
    if (t.browser !== browser) return false;
    const src = t.text
      .split(/\{(?:url|initial|origin|hint|status|method|resource)\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('(.*?)');
    return new RegExp(`^${src}$`, 's').test(line);
  });
}

const KINDS: IsolationErrorKind[] = [
  'blocked-by-orb',
  'corp-not-same-origin',
  'corp-not-same-site',
  'corp-required-by-coep',
  'script-mime-type-not-executable',
  'script-mime-type-nosniff',
];
const url = 'https://cdn.example/a$&b.js';

describe('ISOLATION_TEMPLATES', () => {
  for (const browser of ['chromium', 'firefox'] as BrowserName[])
    it.each(KINDS)(`${browser}: %s prints a line of exactly one template with that kind`, (kind) => {
      const { message, logged } = isolationMessage({ kind, url, hint: 'image/png' }, browser);
      const found = matching(message, logged ? browser : 'engine');
      expect(found, message).toHaveLength(1);
      expect(found[0]?.kinds).toContain(kind);
      if (logged && !kind.startsWith('corp-')) expect(message).toContain(url);
      expect(
        isolationFix({ kind, url, hint: 'image/png', origin: 'https://app.example' }).length,
      ).toBeGreaterThan(40);
    });
  it('keeps a URL with $ patterns as it is', () => {
    expect(isolationMessage({ kind: 'corp-not-same-site', url }, 'firefox').message).toContain(`“${url}”`);
  });
  it('names ORB in the DevTools network line only', () => {
    expect(matching(`GET ${url} net::ERR_BLOCKED_BY_ORB`, 'chromium')[0]?.kinds).toEqual(['blocked-by-orb']);
  });
});
