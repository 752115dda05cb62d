/**
 * One starter per adapter: builds the framework's real app with our middleware for a setup and the
 * shared application (app.ts), listens on 127.0.0.1 with an ephemeral port, and closes it again.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import express from 'express';
// @ts-expect-error: npm alias of express@4, no type declarations under this name
import Express4 from 'express4';
import Fastify from 'fastify';
import Fastify4 from 'fastify4';
import { Hono } from 'hono';
import Koa from 'koa';
// @ts-expect-error: npm alias of koa@2, no type declarations under this name
import Koa2 from 'koa2';
import type { HttpCore, RequestView } from '../../src/_http/index.js';
import * as expressAdapter from '../../src/adapters/express.js';
import * as fastifyAdapter from '../../src/adapters/fastify.js';
import * as fetchAdapter from '../../src/adapters/fetch.js';
import * as honoAdapter from '../../src/adapters/hono.js';
import * as koaAdapter from '../../src/adapters/koa.js';
import * as nodeAdapter from '../../src/adapters/node.js';
import type { CsrfGuard } from '../../src/csrf/index.js';
import type { CorsPolicy } from '../../src/server/index.js';
import type { HeaderList } from '../fixtures/schema.js';
import { APP_MARK, APP_VARY, appBody, fetchApp, varyAfter, varyBefore, varyWriteHead } from './app.js';
import type { Transport } from './cases.js';
import { fromResponse, type RawReply, send } from './client.js';
import type { SetupKind } from './setups.js';

/** node:http refuses these before any middleware (checked with raw requests). */
export const NODE_HTTP: Transport = {
  unknownMethod: "node's HTTP parser answers 400 before any middleware",
  missingHost: 'node answers 400 to an HTTP/1.1 request without Host before any middleware',
};
/** @hono/node-server builds a Request URL from Host, and answers 400 itself when it cannot. */
export const NODE_BRIDGE: Transport = {
  ...NODE_HTTP,
  nonUrlHost: '@hono/node-server answers 400 before the handler (no Request URL can be built)',
};
export const FETCH_REQUEST: Transport = { fetchRequest: true };

export interface Running {
  /** The loopback port, for adapters served over HTTP. */
  port?: number;
  call(req: { method: string; path: string; headers: HeaderList; noHost?: boolean }): Promise<RawReply>;
  close(): Promise<void>;
}

export type OnError = (error: unknown, request: RequestView) => void;

export interface Starter {
  name: string;
  /** Whether requests travel over real HTTP. */
  http: boolean;
  /** What the transport refuses before any handler. */
  transport: Transport;
  /** Whether the app has a middleware before ours (a Fetch handler has none). */
  before?: boolean;
  start(kind: SetupKind, core: HttpCore, onError: OnError): Promise<Running>;
}

function listen(server: Server): Promise<Running> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        port,
        call: (req) => send(port, req),
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

function nodeApp(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? '/';
  res.setHeader(APP_MARK, 'reached');
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  const body = req.method === 'HEAD' ? undefined : appBody(req.method ?? '');
  if (varyWriteHead(path)) {
    res.writeHead(200, { vary: APP_VARY });
  } else {
    if (varyAfter(path)) res.setHeader('vary', APP_VARY);
    res.statusCode = 200;
  }
  res.end(body);
}

const asCors = (core: HttpCore) => core as CorsPolicy;
const asCsrf = (core: HttpCore) => core as CsrfGuard;

export const node: Starter = {
  name: 'node',
  transport: NODE_HTTP,
  before: true,
  http: true,
  async start(kind, core, onError) {
    const mw =
      kind === 'cors'
        ? nodeAdapter.corsMiddleware(asCors(core), { onError })
        : nodeAdapter.csrfMiddleware(asCsrf(core), { onError });
    return listen(
      createServer((req, res) => {
        if (varyBefore(req.url ?? '/')) res.setHeader('vary', APP_VARY);
        mw(req, res, () => nodeApp(req, res));
      }),
    );
  },
};

export const nodeHandle: Starter = {
  name: 'node-handle',
  transport: NODE_HTTP,
  before: true,
  http: true,
  async start(kind, core, onError) {
    return listen(
      createServer(async (req, res) => {
        if (varyBefore(req.url ?? '/')) res.setHeader('vary', APP_VARY);
        const done =
          kind === 'cors'
            ? nodeAdapter.handleCors(asCors(core), req, res, { onError })
            : nodeAdapter.handleCsrf(asCsrf(core), req, res, { onError });
        if (await done) return;
        nodeApp(req, res);
      }),
    );
  },
};

function expressApp(lib: typeof express, router: boolean, kind: SetupKind, core: HttpCore, onError: OnError) {
  const app = lib();
  const mw =
    kind === 'cors'
      ? expressAdapter.corsMiddleware(asCors(core), { onError })
      : expressAdapter.csrfMiddleware(asCsrf(core), { onError });
  const handler = (req: express.Request, res: express.Response) => {
    res.set(APP_MARK, 'reached');
    res.type('text/plain');
    if (varyWriteHead(req.path)) {
      res.writeHead(200, { vary: APP_VARY });
      res.end(req.method === 'HEAD' ? undefined : appBody(req.method));
      return;
    }
    // res.set replaces the header: the adapter must keep its Vary names anyway.
    if (varyAfter(req.path)) res.set('Vary', APP_VARY);
    res.status(200).send(appBody(req.method));
  };
  app.use((req, res, next) => {
    if (varyBefore(req.path)) res.set('Vary', APP_VARY);
    next();
  });
  if (router) {
    const r = lib.Router();
    r.use(mw);
    r.use(handler);
    app.use('/', r);
  } else {
    app.use(mw);
    app.use(handler);
  }
  return app;
}

export const expressApp_: Starter = {
  name: 'express',
  transport: NODE_HTTP,
  before: true,
  http: true,
  async start(kind, core, onError) {
    return listen(createServer(expressApp(express, false, kind, core, onError)));
  },
};

export const expressRouter: Starter = {
  name: 'express-router',
  transport: NODE_HTTP,
  before: true,
  http: true,
  async start(kind, core, onError) {
    return listen(createServer(expressApp(express, true, kind, core, onError)));
  },
};

const fastifyStarter = (name: string, lib: typeof Fastify): Starter => ({
  name,
  transport: NODE_HTTP,
  before: true,
  http: true,
  async start(kind, core, onError) {
    const app = lib({ logger: false });
    // Accept any body as is: the suite sends forms, multipart and JSON without parsing them.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, _payload, done) => done(null));
    app.addHook('onRequest', (request, reply, done) => {
      if (varyBefore(request.url)) reply.header('vary', APP_VARY);
      done();
    });
    if (kind === 'cors') await app.register(fastifyAdapter.corsPlugin, { policy: asCors(core), onError });
    else await app.register(fastifyAdapter.csrfPlugin, { guard: asCsrf(core), onError });
    const handler = async (
      request: { method: string; url: string },
      reply: import('fastify').FastifyReply,
    ) => {
      reply.header(APP_MARK, 'reached').type('text/plain; charset=utf-8');
      if (varyAfter(request.url) || varyWriteHead(request.url)) reply.header('vary', APP_VARY);
      return appBody(request.method);
    };
    app.all('/', handler);
    app.all('/*', handler);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    return { port, call: (req) => send(port, req), close: () => app.close() };
  },
});

export const fastify = fastifyStarter('fastify', Fastify);

const koaStarter = (name: string, Lib: typeof Koa): Starter => ({
  name,
  transport: NODE_HTTP,
  before: true,
  http: true,
  async start(kind, core, onError) {
    const app = new Lib();
    app.silent = true;
    app.use(async (ctx, next) => {
      if (varyBefore(ctx.path)) ctx.set('Vary', APP_VARY);
      await next();
    });
    app.use(
      kind === 'cors'
        ? koaAdapter.corsMiddleware(asCors(core), { onError })
        : koaAdapter.csrfMiddleware(asCsrf(core), { onError }),
    );
    app.use((ctx) => {
      ctx.set(APP_MARK, 'reached');
      if (varyAfter(ctx.path) || varyWriteHead(ctx.path)) ctx.set('Vary', APP_VARY);
      ctx.status = 200;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = appBody(ctx.method);
    });
    return listen(createServer(app.callback()));
  },
});

export const koa = koaStarter('koa', Koa);

/** The oldest majors the peer dependency ranges accept (npm aliases express4, fastify4, koa2). */
export const express4: Starter = {
  name: 'express 4',
  transport: NODE_HTTP,
  before: true,
  http: true,
  async start(kind, core, onError) {
    return listen(
      createServer(expressApp(Express4 as unknown as typeof express, false, kind, core, onError)),
    );
  },
};
export const fastify4 = fastifyStarter('fastify 4', Fastify4 as unknown as typeof Fastify);
export const koa2 = koaStarter('koa 2', Koa2 as unknown as typeof Koa);

function honoApp(kind: SetupKind, core: HttpCore, onError: OnError): Hono {
  const app = new Hono();
  app.use(async (c, next) => {
    if (varyBefore(c.req.path)) c.header('vary', APP_VARY);
    await next();
  });
  app.use(
    kind === 'cors'
      ? honoAdapter.corsMiddleware(asCors(core), { onError })
      : honoAdapter.csrfMiddleware(asCsrf(core), { onError }),
  );
  app.all('*', (c) => {
    const path = c.req.path;
    if (varyAfter(path) || varyWriteHead(path)) {
      // A Response built by hand: Hono's response setter copies prepared headers over it.
      return new Response(c.req.method === 'HEAD' ? null : appBody(c.req.method), {
        status: 200,
        headers: { [APP_MARK]: 'reached', 'content-type': 'text/plain; charset=utf-8', vary: APP_VARY },
      });
    }
    c.header(APP_MARK, 'reached');
    c.header('content-type', 'text/plain; charset=utf-8');
    if (c.req.method === 'HEAD') return c.body(null, 200);
    return c.body(appBody(c.req.method), 200);
  });
  return app;
}

export const hono: Starter = {
  name: 'hono',
  before: true,
  transport: NODE_BRIDGE,
  http: true,
  async start(kind, core, onError) {
    const app = honoApp(kind, core, onError);
    return listen(createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server);
  },
};

function fetchHandler(kind: SetupKind, core: HttpCore, onError: OnError) {
  return kind === 'cors'
    ? fetchAdapter.withCors(asCors(core), fetchApp, { onError })
    : fetchAdapter.withCsrf(asCsrf(core), fetchApp, { onError });
}

/** The fetch adapter served by node:http through @hono/node-server's Request/Response bridge. */
export const fetchNode: Starter = {
  name: 'fetch (node:http)',
  transport: NODE_BRIDGE,
  http: true,
  async start(kind, core, onError) {
    const handler = fetchHandler(kind, core, onError);
    return listen(
      createAdaptorServer({
        fetch: (request: Request) => handler(request),
        overrideGlobalObjects: false,
      }) as Server,
    );
  },
};

/**
 * A Request's URL and headers for a case. The Host header stays a header (as Workers and Deno
 * show it); the URL uses it when it is a valid host, else 127.0.0.1.
 */
function toFetchRequestParts(req: { path: string; headers: HeaderList }): { url: string; headers: Headers } {
  const headers = new Headers();
  let url = `http://127.0.0.1${req.path}`;
  for (const [n, v] of req.headers) {
    headers.append(n, v);
    if (n.toLowerCase() === 'host' && URL.canParse(`http://${v}${req.path}`)) {
      const u = new URL(`http://${v}${req.path}`);
      if (!u.username && !u.password && u.host === v.toLowerCase()) url = u.href;
    }
  }
  return { url, headers };
}

/** The fetch adapter called with a `Request`, no server at all. */
export const fetchDirect: Starter = {
  name: 'fetch (direct)',
  transport: FETCH_REQUEST,
  http: false,
  async start(kind, core, onError) {
    const handler = fetchHandler(kind, core, onError);
    return {
      async call(req) {
        const { url, headers } = toFetchRequestParts(req);
        const request = new Request(url, { method: req.method, headers });
        return fromResponse(await handler(request), req.method);
      },
      close: async () => {},
    };
  },
};

/** Hono's app.fetch called with a `Request` directly (no @hono/node-server). */
export const honoDirect: Starter = {
  name: 'hono (app.fetch)',
  transport: FETCH_REQUEST,
  before: true,
  http: false,
  async start(kind, core, onError) {
    const app = honoApp(kind, core, onError);
    return {
      async call(req) {
        const { url, headers } = toFetchRequestParts(req);
        const res = await app.fetch(new Request(url, { method: req.method, headers }));
        return fromResponse(res, req.method);
      },
      close: async () => {},
    };
  },
};

export const STARTERS: Starter[] = [
  express4,
  fastify4,
  koa2,
  node,
  nodeHandle,
  expressApp_,
  expressRouter,
  fastify,
  koa,
  hono,
  honoDirect,
  fetchNode,
  fetchDirect,
];
