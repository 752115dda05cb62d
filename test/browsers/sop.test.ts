/**
 * sopAccess against real Chromium 156: a page on app.test embeds, scripts and draws resources from
 * other.test (both on one loopback server; Chromium maps *.test to 127.0.0.1), and each observation
 * is compared with sopAccess's answer. The console lines Chromium prints for CORS-enabled images,
 * scripts, stylesheets and fonts are compared with the engine's text for those initiators.
 * A missing Chromium fails under CI=true and is skipped (with the reason) elsewhere.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { corsCheck, sopAccess } from '../../src/browser/index.js';
import { browserPath } from './harness/available.js';
import { CHROMIUM_ARGS } from './harness/chromium.js';
import { describeWithBrowser } from './harness/vitest.js';

// A 1x1 transparent PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

describeWithBrowser('chromium', 'sopAccess in real Chromium', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let APP = '';
  let OTHER = '';
  const consoleLines: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      const acao = u.searchParams.get('acao');
      const headers: Record<string, string> = {};
      if (acao) headers['Access-Control-Allow-Origin'] = acao;
      if (u.pathname === '/page' || u.pathname === '/frame') {
        const script = u.pathname === '/frame' ? `<script>parent.postMessage('hello', '*')</script>` : '';
        res.writeHead(200, { ...headers, 'Content-Type': 'text/html' });
        res.end(`<!doctype html><title>t</title><p id="p">hi</p>${script}`);
      } else if (u.pathname === '/img.png') {
        res.writeHead(200, { ...headers, 'Content-Type': 'image/png' }).end(PNG);
      } else if (u.pathname === '/font.woff2') {
        res.writeHead(200, { ...headers, 'Content-Type': 'font/woff2' }).end('not a font');
      } else if (u.pathname === '/s.js') {
        res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' }).end('window.__loaded = true;');
      } else if (u.pathname === '/s.css') {
        res.writeHead(200, { ...headers, 'Content-Type': 'text/css' }).end('p { color: red }');
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    APP = `http://app.test:${port}`;
    OTHER = `http://other.test:${port}`;
    browser = await chromium.launch({
      executablePath: browserPath('chromium'),
      args: CHROMIUM_ARGS,
    });
    page = await browser.newPage();
    page.on('console', (m) => consoleLines.push(m.text()));
    await page.goto(`${APP}/page`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  async function corsLine(since: number, start: string): Promise<string | undefined> {
    for (let i = 0; i < 40; i++) {
      const hit = consoleLines.slice(since).find((l) => l.startsWith(start));
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 25));
    }
    return undefined;
  }

  it('iframe DOM: same-origin readable, cross-origin not', async () => {
    const got = await page.evaluate(
      async ([same, other]) => {
        const load = (src: string) =>
          new Promise<HTMLIFrameElement>((resolve) => {
            const f = document.createElement('iframe');
            f.onload = () => resolve(f);
            f.src = src;
            document.body.append(f);
          });
        const a = await load(same as string);
        const b = await load(other as string);
        let crossThrows = false;
        try {
          void (b.contentWindow as Window).document.body;
        } catch {
          crossThrows = true;
        }
        return {
          same: a.contentDocument?.getElementById('p')?.textContent ?? null,
          cross: b.contentDocument,
          crossThrows,
        };
      },
      [`${APP}/frame`, `${OTHER}/frame`],
    );
    expect(got).toEqual({ same: 'hi', cross: null, crossThrows: true });
    expect(sopAccess({ from: APP, to: APP, operation: 'dom-access' }).allowed).toBe(true);
    expect(sopAccess({ from: APP, to: OTHER, operation: 'dom-access' }).allowed).toBe(false);
  });

  it('postMessage from a cross-origin frame is delivered with its origin', async () => {
    const origin = await page.evaluate(
      (src) =>
        new Promise<string>((resolve) => {
          addEventListener('message', (e) => resolve(e.origin), { once: true });
          const f = document.createElement('iframe');
          f.src = src;
          document.body.append(f);
        }),
      `${OTHER}/frame`,
    );
    expect(origin).toBe(OTHER);
    expect(sopAccess({ from: OTHER, to: APP, operation: 'post-message' }).allowed).toBe(true);
  });

  it.each([
    ['no crossorigin, no CORS', false, false],
    ['crossorigin and CORS', true, true],
    ['crossorigin without CORS', true, false],
  ])('canvas with a cross-origin image: %s', async (_n, withAttr, withCors) => {
    const since = consoleLines.length;
    const src = `${OTHER}/img.png?${withCors ? `acao=${encodeURIComponent(APP)}&` : ''}n=${Math.random()}`;
    const got = await page.evaluate(
      ([s, attr]) =>
        new Promise<{ loaded: boolean; readable: boolean }>((resolve) => {
          const img = new Image();
          if (attr) img.crossOrigin = 'anonymous';
          img.onerror = () => resolve({ loaded: false, readable: false });
          img.onload = () => {
            const c = document.createElement('canvas');
            c.width = 1;
            c.height = 1;
            const ctx = c.getContext('2d') as CanvasRenderingContext2D;
            ctx.drawImage(img, 0, 0);
            try {
              c.toDataURL();
              resolve({ loaded: true, readable: true });
            } catch {
              resolve({ loaded: true, readable: false });
            }
          };
          img.src = s as string;
        }),
      [src, withAttr],
    );
    const answer = sopAccess({
      from: APP,
      to: OTHER,
      operation: 'canvas-read',
      crossOriginAttribute: withAttr,
      corsAllowed: withCors,
    });
    expect(got.readable).toBe(answer.readable);
    expect(got.loaded).toBe(!(withAttr && !withCors));
    if (withAttr && !withCors) {
      const line = await corsLine(since, 'Access to image at');
      const engine = corsCheck(
        { origin: APP, url: src, initiator: 'image', credentials: 'same-origin' },
        { status: 200, headers: [] },
      );
      expect(line).toBe(engine?.message);
    }
  });

  it.each([
    ['script', 'script', `<script crossorigin src="{src}"></script>`, '/s.js'],
    ['stylesheet', 'CSS stylesheet', `<link rel="stylesheet" crossorigin href="{src}">`, '/s.css'],
  ] as const)(
    "a %s with crossorigin but no CORS: blocked, with the engine's console line",
    async (initiator, kind, html, path) => {
      const since = consoleLines.length;
      const src = `${OTHER}${path}?n=${Math.random()}`;
      await page.evaluate(
        ([h, tag, s]) => {
          if (tag === 'script') {
            // (a script inserted as HTML text does not run: create the element)
            const el = document.createElement('script');
            el.crossOrigin = 'anonymous';
            el.src = s as string;
            document.body.append(el);
          } else {
            document.body.insertAdjacentHTML('beforeend', h as string);
          }
        },
        [html.replace('{src}', src), initiator, src],
      );
      const line = await corsLine(since, `Access to ${kind} at`);
      const engine = corsCheck(
        { origin: APP, url: src, initiator, credentials: 'same-origin' },
        { status: 200, headers: [] },
      );
      expect(line).toBe(engine?.message);
      const embed = initiator === 'script' ? 'embed-script' : 'embed-stylesheet';
      expect(sopAccess({ from: APP, to: OTHER, operation: embed, crossOriginAttribute: true }).allowed).toBe(
        false,
      );
    },
  );

  it("a cross-origin font without CORS is refused (fonts always use CORS), with the engine's console line", async () => {
    const since = consoleLines.length;
    const src = `${OTHER}/font.woff2?n=${Math.random()}`;
    const status = await page.evaluate(async (s) => {
      const face = new FontFace('T', `url(${s})`);
      try {
        await face.load();
        return 'loaded';
      } catch {
        return 'error';
      }
    }, src);
    expect(status).toBe('error');
    const line = await corsLine(since, 'Access to font at');
    const engine = corsCheck(
      { origin: APP, url: src, initiator: 'font', credentials: 'same-origin' },
      { status: 200, headers: [] },
    );
    expect(line).toBe(engine?.message);
    expect(sopAccess({ from: APP, to: OTHER, operation: 'embed-font' }).allowed).toBe(false);
  });
});
