/**
 * CORP (HTTP fetch) and ORB (main fetch) inside createBrowserFetch, over an in-memory transport:
 * what the page gets, the typed error, the events, and the body peek that ORB reads.
 */
import { describe, expect, it } from 'vitest';
import { type BrowserFetchEvent, type BrowserFetchResponseEvent, createBrowserFetch } from '../index.js';
import type { BrowserName } from '../types.js';
import { peekBody } from './http-network-fetch.js';

const PAGE = 'http://app.test';
const JSON_BODY = '{"secret": 1}';

interface Answer {
  status?: number;
  headers?: [string, string][];
  body?: string | ReadableStream<Uint8Array> | null;
}

/** A transport answering each URL from a table; it records what it was asked. */
function transport(answers: Record<string, Answer>) {
  const asked: string[] = [];
  const fetch = (async (input: string | URL | Request) => {
    const url = String(input);
    asked.push(url);
    const a = answers[url];
    if (!a) return new Response('missing', { status: 404 });
    return new Response(a.body ?? null, { status: a.status ?? 200, headers: a.headers ?? [] });
  }) as typeof globalThis.fetch;
  return { fetch, asked };
}

function page(browser: BrowserName, answers: Record<string, Answer>) {
  const events: BrowserFetchEvent[] = [];
  const responses: BrowserFetchResponseEvent[] = [];
  const t = transport(answers);
  const f = createBrowserFetch({
    origin: PAGE,
    browser,
    fetch: t.fetch,
    onEvent: (e) => events.push(e),
    onResponse: (e) => responses.push(e),
  });
  return { f, events, responses, asked: t.asked };
}

async function rejection(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    return e as TypeError & { cause: { kind: string; message: string; logged: boolean; fix: string } };
  }
  throw new Error('expected a rejection');
}

/** A body of `n` chunks of `size` bytes; counts how many chunks were pulled. */
function chunked(n: number, size: number, byte = 0x61) {
  const state = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (state.pulled === n) return c.close();
      state.pulled++;
      c.enqueue(new Uint8Array(size).fill(byte));
    },
  });
  return { stream, state };
}

describe('the cross-origin resource policy check (HTTP fetch)', () => {
  it('rejects a cross-origin no-cors answer with CORP same-origin, with the typed error and the browser line', async () => {
    const url = 'http://api.test/img.png';
    const answers = { [url]: { headers: [['cross-origin-resource-policy', 'same-origin']] } } as Record<
      string,
      Answer
    >;
    const chromium = page('chromium', answers);
    const e = await rejection(chromium.f(url, { mode: 'no-cors' }));
    expect(e.message).toBe('Failed to fetch');
    expect(e.cause.kind).toBe('corp-not-same-origin');
    expect(e.cause.message).toBe('Failed to load resource: net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin');
    expect(e.cause.fix).toContain('Cross-Origin-Resource-Policy: cross-origin');
    expect(chromium.responses.map((r) => r.error?.kind)).toEqual(['corp-not-same-origin']);
    const firefox = page('firefox', answers);
    const f = await rejection(firefox.f(url, { mode: 'no-cors' }));
    expect(f.cause.message).toContain('was blocked due to its Cross-Origin-Resource-Policy header');
  });

  it('judges every redirect hop, and CORP same-site across sites', async () => {
    const first = 'http://cdn.app.test/a';
    const answers: Record<string, Answer> = {
      [first]: {
        status: 302,
        headers: [
          ['location', 'http://api.test/b'],
          ['cross-origin-resource-policy', 'same-site'],
        ],
      },
      'http://api.test/b': { headers: [['cross-origin-resource-policy', 'same-site']] },
    };
    const p = page('chromium', answers);
    const e = await rejection(p.f(first, { mode: 'no-cors' }));
    expect(e.cause.kind).toBe('corp-not-same-site');
    expect(p.asked).toEqual([first, 'http://api.test/b']);
    // The first hop is same-site (cdn.app.test): its CORP passed and the redirect was followed.
    expect(p.responses.map((r) => [r.kind, r.error?.kind ?? null])).toEqual([
      ['redirect', null],
      ['actual', 'corp-not-same-site'],
    ]);
    // A redirect hop itself can fail the check.
    answers[first] = {
      status: 302,
      headers: [
        ['location', 'http://api.test/b'],
        ['cross-origin-resource-policy', 'same-origin'],
      ],
    };
    const q = page('chromium', answers);
    expect((await rejection(q.f(first, { mode: 'no-cors' }))).cause.kind).toBe('corp-not-same-origin');
    expect(q.asked).toEqual([first]);
  });

  it('does not apply to cors requests, same-origin requests or CORP cross-origin', async () => {
    const url = 'http://api.test/data';
    const p = page('chromium', {
      [url]: {
        headers: [
          ['access-control-allow-origin', PAGE],
          ['cross-origin-resource-policy', 'same-origin'],
        ],
        body: 'ok',
      },
      [`${PAGE}/x`]: { headers: [['cross-origin-resource-policy', 'same-origin']], body: 'home' },
      'http://api.test/open': { headers: [['cross-origin-resource-policy', 'cross-origin']] },
    });
    expect(await (await p.f(url)).text()).toBe('ok');
    expect(await (await p.f(`${PAGE}/x`, { mode: 'no-cors' })).text()).toBe('home');
    expect((await p.f('http://api.test/open', { mode: 'no-cors' })).type).toBe('opaque');
  });
});

describe('opaque-response blocking (main fetch)', () => {
  const url = 'http://api.test/data.json';
  const json: Record<string, Answer> = {
    [url]: { headers: [['content-type', 'application/json']], body: JSON_BODY },
  };

  it('gives a no-cors fetch() an empty opaque response in Chromium and Firefox, and reports the block', async () => {
    for (const browser of ['chromium', 'firefox'] as const) {
      const p = page(browser, json);
      const res = await p.f(url, { mode: 'no-cors' });
      expect([res.type, res.status, (await res.arrayBuffer()).byteLength]).toEqual(['opaque', 0, 0]);
      const emptied = p.events.find((e) => e.type === 'orb-emptied');
      expect(emptied?.type === 'orb-emptied' && emptied.error.kind).toBe('blocked-by-orb');
      expect(p.responses.map((r) => r.error?.kind)).toEqual(['blocked-by-orb']);
      if (emptied?.type === 'orb-emptied') {
        expect(emptied.error.logged).toBe(false);
        expect(emptied.error.fix).toContain('Access-Control-Allow-Origin');
      }
    }
  });

  it('is a network error for the spec profile and for element loads (script, image)', async () => {
    const spec = page('spec', json);
    expect((await rejection(spec.f(url, { mode: 'no-cors' }))).cause.kind).toBe('blocked-by-orb');
    const chromium = page('chromium', json);
    const e = await rejection(chromium.f(url, { mode: 'no-cors', initiator: 'script' }));
    expect(e.cause.kind).toBe('blocked-by-orb');
  });

  it('lets a script, an image or CSS through untouched', async () => {
    const p = page('chromium', {
      'http://api.test/a.js': { headers: [['content-type', 'text/javascript']], body: 'var a = 1;' },
      'http://api.test/i.png': {
        headers: [['content-type', 'image/png']],
        body: '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR',
      },
    });
    for (const u of ['http://api.test/a.js', 'http://api.test/i.png']) {
      const res = await p.f(u, { mode: 'no-cors', initiator: 'script' });
      expect(res.type).toBe('opaque');
    }
    expect(p.events.some((e) => e.type === 'orb-emptied' || e.type === 'blocked')).toBe(false);
  });

  it('sniffs only the first 1024 bytes in Chromium (the rest of the body is not read)', async () => {
    const { stream, state } = chunked(100, 256);
    const p = page('chromium', {
      [url]: { headers: [['content-type', 'text/plain']], body: stream },
    });
    expect((await p.f(url, { mode: 'no-cors' })).type).toBe('opaque');
    expect(state.pulled).toBeGreaterThanOrEqual(4);
    expect(state.pulled).toBeLessThan(10);
  });

  it('parses the whole body as JavaScript in the standard shape (Firefox), up to 1 MiB', async () => {
    const long = `var x = ${JSON.stringify('y'.repeat(3000))};\n`;
    const answers: Record<string, Answer> = {
      'http://api.test/long.txt': { headers: [['content-type', 'text/plain']], body: long },
      'http://api.test/prose.txt': {
        headers: [['content-type', 'text/plain']],
        body: 'not script '.repeat(300),
      },
    };
    const p = page('firefox', answers);
    await p.f('http://api.test/long.txt', { mode: 'no-cors' });
    expect(p.events.some((e) => e.type === 'orb-emptied')).toBe(false);
    await p.f('http://api.test/prose.txt', { mode: 'no-cors' });
    expect(p.events.filter((e) => e.type === 'orb-emptied')).toHaveLength(1);
  });

  it('never touches the body of a cors or same-origin request', async () => {
    const a = chunked(4, 512);
    const b = chunked(4, 512);
    const p = page('chromium', {
      [url]: { headers: [['access-control-allow-origin', '*']], body: a.stream },
      [`${PAGE}/same`]: { headers: [['content-type', 'application/json']], body: b.stream },
    });
    const res = await p.f(url);
    const same = await p.f(`${PAGE}/same`, { mode: 'no-cors' });
    // Nothing was read before the page reads (a stream may pull one chunk ahead when it starts).
    expect(a.state.pulled).toBeLessThanOrEqual(1);
    expect(b.state.pulled).toBeLessThanOrEqual(1);
    expect((await res.arrayBuffer()).byteLength).toBe(2048);
    expect((await same.arrayBuffer()).byteLength).toBe(2048);
  });

  it('rejects with the abort reason when the call is aborted while the body is sniffed', async () => {
    const stalled = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(10));
      },
    });
    const t = transport({ [url]: { headers: [['content-type', 'text/plain']], body: stalled } });
    const f = createBrowserFetch({ origin: PAGE, fetch: t.fetch });
    const controller = new AbortController();
    const reason = new Error('stop');
    const pending = f(url, { mode: 'no-cors', signal: controller.signal });
    setTimeout(() => controller.abort(reason), 20);
    await expect(pending).rejects.toBe(reason);
  });

  it('is a network error when the body fails while being sniffed', async () => {
    const failing = new ReadableStream<Uint8Array>({
      pull(c) {
        c.error(new Error('connection reset'));
      },
    });
    const p = page('chromium', { [url]: { headers: [['content-type', 'text/plain']], body: failing } });
    const e = await rejection(p.f(url, { mode: 'no-cors' }));
    expect(e.cause.kind).toBe('network-error');
  });
});

describe('peekBody', () => {
  it('reads the first bytes and keeps the whole body readable, in order', async () => {
    const { stream, state } = chunked(5, 300, 0x62);
    const answer = { res: new Response(stream, { status: 203, statusText: 'Odd' }), headers: null };
    const ctx = {} as Parameters<typeof peekBody>[0];
    const req = {} as Parameters<typeof peekBody>[1];
    const peek = await peekBody(ctx, req, answer, 500, null);
    expect('bytes' in peek && [peek.bytes.byteLength, peek.complete]).toEqual([500, false]);
    expect(state.pulled).toBeLessThanOrEqual(3); // two read, one queued ahead by the stream
    expect([answer.res.status, answer.res.statusText]).toEqual([203, 'Odd']);
    // Peeking again reads on from where the first one stopped.
    const again = await peekBody(ctx, req, answer, 1000, null);
    expect('bytes' in again && again.bytes.byteLength).toBe(1000);
    const all = new Uint8Array(await answer.res.arrayBuffer());
    expect(all.byteLength).toBe(1500);
    expect(all.every((b) => b === 0x62)).toBe(true);
  });

  it('says when the body ended within the peek, and peeks nothing of a null body', async () => {
    const ctx = {} as Parameters<typeof peekBody>[0];
    const req = {} as Parameters<typeof peekBody>[1];
    const short = { res: new Response('abc'), headers: null };
    const peek = await peekBody(ctx, req, short, 1024, null);
    expect('bytes' in peek && [new TextDecoder().decode(peek.bytes), peek.complete]).toEqual(['abc', true]);
    expect(await short.res.text()).toBe('abc');
    const none = { res: new Response(null, { status: 204 }), headers: null };
    const empty = await peekBody(ctx, req, none, 1024, null);
    expect('bytes' in empty && [empty.bytes.byteLength, empty.complete]).toEqual([0, true]);
  });
});
