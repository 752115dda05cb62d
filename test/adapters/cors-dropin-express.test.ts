/**
 * The `cors` package's Express app tests (test/example-app.js, issue-2.js, issue-31.js,
 * error-response.js, basic-auth.js in earlier versions of its repository), reconstructed, run in
 * real Express 5 on loopback against the real `cors` and against our drop-in.
 */
import type { AddressInfo } from 'node:net';
import realCors from 'cors';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cors as ourCors } from '../../src/adapters/express.js';
import { CorsConfigError } from '../../src/server/index.js';

// ---------------------------------------------------------------------------------------------
// The cors suite's Express app tests, on loopback, both middlewares.

type Headers = Record<string, string>;
type Refusal = 'R1' | 'R2' | 'R3' | 'R4' | 'R5' | 'R6' | 'R7' | 'R8';
type Mw = (o?: unknown) => express.RequestHandler;

function apps(mw: Mw) {
  const simple = express();
  simple.head('/', mw(), (_req, res) => {
    res.status(204).send();
  });
  simple.get('/', mw(), (_req, res) => {
    res.send('Hello World (Get)');
  });
  simple.post('/', mw(), (_req, res) => {
    res.send('Hello World (Post)');
  });
  const complex = express();
  complex.options('/', mw());
  complex.delete('/', mw(), (_req, res) => {
    res.send('Hello World (Delete)');
  });
  const issue2 = express();
  const issue2Options = { origin: true, methods: ['POST'], credentials: true, maxAge: 3600 };
  let issue2Error: string | null = null;
  try {
    issue2.options('/api/login', mw(issue2Options));
    issue2.post('/api/login', mw(issue2Options), (_req, res) => {
      res.send('LOGIN');
    });
  } catch (e) {
    issue2Error = e instanceof CorsConfigError ? 'CorsConfigError' : String(e);
  }
  const items = express.Router();
  items.get('/', (_req, res) => {
    res.send('hello world');
  });
  const main = express.Router();
  main.use('/items', items);
  const issue31 = express();
  issue31.use(mw());
  issue31.use(main);
  const errors = express();
  errors.use(mw());
  errors.post('/five-hundred', (_req, _res, next) => next(new Error('nope')));
  errors.post('/four-oh-one', (_req, _res, next) => next(new Error('401')));
  errors.post('/four-oh-four', (_req, _res, next) => next());
  errors.use((err: Error, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (err.message === '401') res.status(401).send('unauthorized');
    else next(err);
  });
  const auth = express();
  auth.use((req, res, next) => {
    // basic-auth-connect('username', 'password'), reconstructed.
    if (req.headers.authorization === `Basic ${Buffer.from('username:password').toString('base64')}`)
      return next();
    res.statusCode = 401;
    res.setHeader('WWW-Authenticate', 'Basic realm="Authorization Required"');
    res.end('Unauthorized');
  });
  auth.use(mw());
  auth.post('/', (_req, res) => {
    res.send('hello world');
  });
  return { simple, complex, issue2, issue2Error, issue31, errors, auth };
}

interface Served {
  base: Record<string, string>;
  issue2Error: string | null;
  close: () => Promise<void>;
}

async function serve(mw: Mw): Promise<Served> {
  const a = apps(mw);
  const servers: import('node:http').Server[] = [];
  const base: Record<string, string> = {};
  for (const [name, app] of Object.entries(a)) {
    if (typeof app !== 'function') continue;
    const server = await new Promise<import('node:http').Server>((resolve) => {
      const s = (app as express.Express).listen(0, '127.0.0.1', () => resolve(s));
    });
    servers.push(server);
    base[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  return {
    base,
    issue2Error: a.issue2Error,
    close: async () => {
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
}

const APP_CASES: {
  name: string;
  app: string;
  method: string;
  path: string;
  headers?: Headers;
  expect: 'equal' | Refusal;
}[] = [
  { name: 'example-app › GET works', app: 'simple', method: 'GET', path: '/', expect: 'equal' },
  { name: 'example-app › HEAD works', app: 'simple', method: 'HEAD', path: '/', expect: 'equal' },
  { name: 'example-app › POST works', app: 'simple', method: 'POST', path: '/', expect: 'equal' },
  { name: 'example-app › OPTIONS works', app: 'complex', method: 'OPTIONS', path: '/', expect: 'R1' },
  { name: 'example-app › DELETE works', app: 'complex', method: 'DELETE', path: '/', expect: 'equal' },
  ...(
    [
      ['issue-2 › OPTIONS works', 'issue2', 'OPTIONS', '/api/login', 'R4'],
      ['issue-2 › POST works', 'issue2', 'POST', '/api/login', 'R4'],
      ['issue-31 › OPTIONS works', 'issue31', 'OPTIONS', '/items', 'R1'],
      ['issue-31 › GET works', 'issue31', 'GET', '/items', 'equal'],
    ] as const
  ).map(([name, app, method, path, expect]) => ({
    name,
    app,
    method,
    path,
    headers: { origin: 'http://example.com' },
    expect,
  })),
  { name: 'error-response › 500', app: 'errors', method: 'POST', path: '/five-hundred', expect: 'equal' },
  { name: 'error-response › 401', app: 'errors', method: 'POST', path: '/four-oh-one', expect: 'equal' },
  { name: 'error-response › 404', app: 'errors', method: 'POST', path: '/four-oh-four', expect: 'equal' },
  {
    name: 'basic-auth › POST works',
    app: 'auth',
    method: 'POST',
    path: '/',
    headers: { authorization: `Basic ${Buffer.from('username:password').toString('base64')}` },
    expect: 'equal',
  },
  // Browser-shaped: a real preflight has Origin and Access-Control-Request-Method.
  {
    name: 'example-app › OPTIONS works (browser-shaped preflight)',
    app: 'complex',
    method: 'OPTIONS',
    path: '/',
    headers: { origin: 'https://example.com', 'access-control-request-method': 'DELETE' },
    expect: 'equal',
  },
  {
    name: 'issue-31 › OPTIONS works (browser-shaped preflight)',
    app: 'issue31',
    method: 'OPTIONS',
    path: '/items',
    headers: { origin: 'http://example.com', 'access-control-request-method': 'GET' },
    expect: 'equal',
  },
];

describe('cors suite Express apps (loopback, both middlewares)', () => {
  let theirs: Served;
  let ours: Served;
  beforeAll(async () => {
    theirs = await serve(realCors as unknown as Mw);
    ours = await serve(ourCors as unknown as Mw);
  });
  afterAll(async () => {
    await theirs?.close();
    await ours?.close();
  });

  async function fetchOne(s: Served, c: (typeof APP_CASES)[number]) {
    const url = s.base[c.app];
    if (url === undefined) return null;
    const r = await fetch(url + c.path, { method: c.method, headers: c.headers ?? {} });
    const body = await r.text();
    const headers = Object.fromEntries(
      [...r.headers].filter(([k]) => !['date', 'etag', 'connection', 'keep-alive'].includes(k)),
    );
    // Express's error page shows a stack trace (whose frames name the middleware): keep its first line.
    const stack = body.includes('<pre>Error');
    if (stack) delete headers['content-length'];
    return { status: r.status, headers, body: stack ? body.replace(/<br>[\s\S]*<\/pre>/, '</pre>') : body };
  }

  it.each(APP_CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const a = await fetchOne(theirs, c);
    const b = await fetchOne(ours, c);
    if (c.expect === 'equal') {
      expect(b).toEqual(a);
    } else if (c.expect === 'R4') {
      expect(ours.issue2Error).toBe('CorsConfigError');
      expect(theirs.issue2Error).toBeNull();
      expect(a?.headers['access-control-allow-origin']).toBe('http://example.com');
    } else if (c.expect === 'R1') {
      expect(b).not.toEqual(a);
      // cors answered 204; ours let the application (Express's automatic OPTIONS) answer.
      expect(a?.status).toBe(204);
      expect(b?.status).not.toBe(204);
    }
  });
});
