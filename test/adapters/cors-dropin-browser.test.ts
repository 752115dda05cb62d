/**
 * Real Chromium and Firefox against the `cors` drop-in: the same safe `cors` configurations are served by
 * Express with the real `cors` package and with our drop-in, on 127.0.0.1; pages on
 * `http://app.test:{port}` and `http://evil.test:{port}` fetch from both. What the browser lets the
 * page do (read the response, its status and body, an exposed header) must be the same for both:
 * the migration is invisible to pages. Runs through the browser harness (`describeBrowser`: without the
 * browser its suite is skipped, or fails under CI=true).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import realCors from 'cors';
import express from 'express';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cors as ourCors } from '../../src/adapters/express.js';
import { describeBrowser } from '../browsers/harness/vitest.js';
import { type PageObserved, type PageRequest, pageFetches } from './_page-fetch.js';

/** The two drivers' page handles, reduced to what the test needs. */
interface Driver {
  goto(url: string): Promise<unknown>;
  fetch(list: { url: string; f: PageFetch }[]): Promise<PageObserved[]>;
  close(): Promise<void>;
}

interface PageFetch extends PageRequest {
  id: string;
}

const FETCHES: PageFetch[] = [
  { id: 'get', method: 'GET' },
  { id: 'get-credentials', method: 'GET', credentials: 'include' },
  { id: 'post-text', method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' },
  { id: 'post-json', method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
  { id: 'put', method: 'PUT', body: 'x' },
  { id: 'put-credentials', method: 'PUT', body: 'x', credentials: 'include' },
  { id: 'delete', method: 'DELETE' },
  { id: 'patch', method: 'PATCH', body: 'x' },
  { id: 'get-x-token', method: 'GET', headers: { 'x-token': '1' } },
  { id: 'get-authorization', method: 'GET', headers: { authorization: 'Bearer t' } },
];

/** Safe configurations, in the `cors` package's shapes; `page` is the page server's port. */
const CONFIGS: { id: string; options: (page: number) => Record<string, unknown> }[] = [
  { id: 'defaults', options: () => ({}) },
  {
    id: 'fixed-origin',
    options: (page) => ({ origin: `http://app.test:${page}`, exposedHeaders: ['x-app'] }),
  },
  {
    id: 'list-credentials',
    options: (page) => ({
      origin: [`http://app.test:${page}`],
      credentials: true,
      // Loopback test pages are http: the drop-in wants this said out loud (cors ignores the key).
      dangerouslyTolerateInsecureOrigins: true,
      methods: ['GET', 'PUT', 'DELETE'],
      allowedHeaders: ['content-type', 'x-token'],
    }),
  },
  {
    id: 'regexp',
    options: () => ({
      origin: /^http:\/\/app\.test:\d+$/,
      methods: 'GET,POST,PUT',
      allowedHeaders: 'content-type,authorization',
      exposedHeaders: 'x-app',
      maxAge: 60,
    }),
  },
  {
    id: 'callback-credentials',
    options: (page) => ({
      origin: (o: string | undefined, cb: (e: null, v: boolean) => void) =>
        cb(null, o === `http://app.test:${page}`),
      credentials: true,
    }),
  },
  { id: 'reflect-no-credentials', options: () => ({ origin: true, exposedHeaders: ['x-app'] }) },
  { id: 'status-200', options: () => ({ optionsSuccessStatus: 200, methods: ['PUT'] }) },
];

function appWith(mw: express.RequestHandler): express.Express {
  const app = express();
  app.use(mw);
  app.all('/api', (req, res) => {
    res.setHeader('x-app', 'reached');
    res.send(`app:${req.method}`);
  });
  return app;
}

async function listen(app: express.Express): Promise<Server> {
  return await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
}

interface PageLike {
  goto(url: string): Promise<unknown>;
  evaluate(fn: typeof pageFetches, arg: { url: string; f: PageFetch }[]): Promise<PageObserved[]>;
}

for (const [name, browser] of [
  ['Chromium', 'chromium'],
  ['Firefox', 'firefox'],
] as const) {
  describeBrowser(browser, (runner) => {
    let driver: Driver | undefined;
    let pageServer: Server;
    let pagePort = 0;
    const servers: Server[] = [];
    const apis: { config: string; theirs: number; ours: number }[] = [];

    beforeAll(async () => {
      pageServer = createServer((_req, res) => {
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end('<!doctype html><title>page</title>');
      });
      await new Promise<void>((r) => pageServer.listen(0, '127.0.0.1', r));
      pagePort = (pageServer.address() as AddressInfo).port;
      for (const c of CONFIGS) {
        const options = c.options(pagePort);
        const theirs = await listen(appWith(realCors(options as never) as express.RequestHandler));
        const ours = await listen(appWith(ourCors(options as never) as unknown as express.RequestHandler));
        servers.push(theirs, ours);
        apis.push({
          config: c.id,
          theirs: (theirs.address() as AddressInfo).port,
          ours: (ours.address() as AddressInfo).port,
        });
      }
      // The harness's launched browser (flags, prefs, availability policy): its one page.
      const page = (runner() as unknown as { page: PageLike }).page;
      driver = {
        goto: (url) => page.goto(url),
        fetch: (list) => page.evaluate(pageFetches, list),
        close: async () => {},
      };
    }, 120_000);

    afterAll(async () => {
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      await new Promise<void>((r) => (pageServer ? pageServer.close(() => r()) : r()));
    });

    for (const pageHost of ['app.test', 'evil.test']) {
      it(`from http://${pageHost}: ${name} lets the page do the same with the drop-in as with cors`, async () => {
        await driver!.goto(`http://${pageHost}:${pagePort}/`);
        const mismatches: string[] = [];
        let allowed = 0;
        let total = 0;
        for (const api of apis) {
          for (const f of FETCHES) {
            const q = `?${api.config}-${f.id}`;
            const [a, b] = (await driver!.fetch([
              { url: `http://api.test:${api.theirs}/api${q}`, f },
              { url: `http://api.test:${api.ours}/api${q}`, f },
            ])) as [PageObserved, PageObserved];
            total++;
            if (a.ok) allowed++;
            if (JSON.stringify(a) !== JSON.stringify(b)) {
              mismatches.push(
                `${api.config} / ${f.id}: cors ${JSON.stringify(a)}, drop-in ${JSON.stringify(b)}`,
              );
            }
          }
        }
        expect(mismatches).toEqual([]);
        // Both outcomes occur from either page (the public configurations allow evil.test too).
        expect(allowed).toBeGreaterThan(0);
        expect(allowed).toBeLessThan(total);
      }, 180_000);
    }
  });
}
