import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { createCorsPolicy } from '../server/index.js';
import { middlewareWith } from './index.js';

const ORIGIN = 'https://app.example';
const nodeWriteHead = ServerResponse.prototype.writeHead;

/** A request through an Express app on socketless req/res; returns the response head as written. */
function exchange(app: express.Express, path: string): { res: ServerResponse; head: string } {
  const req = new IncomingMessage(new Socket()) as IncomingMessage & {
    _addHeaderLines(lines: string[], n: number): void;
  };
  const raw = ['Host', 'api.example', 'Origin', ORIGIN];
  req.method = 'GET';
  req.url = path;
  req._addHeaderLines(raw, raw.length);
  const res = new ServerResponse(req);
  app(req as unknown as express.Request, res as unknown as express.Response);
  return { res, head: (res as unknown as { _header: string })._header };
}

function varyOf(head: string): string[] {
  return [...head.matchAll(/^vary: (.*)$/gim)].map((m) => m[1]!.trim());
}

describe('keepVary on an Express response (hook on the framework prototype)', () => {
  const cors = middlewareWith({
    core: createCorsPolicy({ origins: [ORIGIN] }),
    failure: { allowed: true, headers: [], vary: [], end: false },
    onError: () => {},
  });
  const app = express();
  app.use(cors as express.RequestHandler);
  app.get('/clobber', (_req, res) => {
    res.setHeader('Vary', 'Accept');
    res.send('ok');
  });
  const sub = express();
  sub.get('/clobber', (_req, res) => {
    res.set('Vary', 'Cookie');
    res.send('ok');
  });
  app.use('/sub', sub);

  it('merges Origin back when the handler replaced Vary, without a property on the response', () => {
    const { res, head } = exchange(app, '/clobber');
    expect(varyOf(head)).toEqual(['Accept, Origin']);
    expect(head).toMatch(/^access-control-allow-origin: https:\/\/app\.example$/im);
    expect(Object.hasOwn(res, 'writeHead')).toBe(false);
  });

  it('also in a mounted sub-app (its own response prototype below the hooked one)', () => {
    const { head } = exchange(app, '/sub/clobber');
    expect(varyOf(head)).toEqual(['Cookie, Origin']);
  });

  it("never touches node's ServerResponse.prototype, and plain node responses keep Vary too", () => {
    expect(ServerResponse.prototype.writeHead).toBe(nodeWriteHead);
    const req = new IncomingMessage(new Socket());
    req.headers = { origin: ORIGIN };
    req.method = 'GET';
    const res = new ServerResponse(req);
    cors(req, res, () => {
      res.setHeader('vary', 'Accept');
      res.end('ok');
    });
    expect(varyOf((res as unknown as { _header: string })._header)).toEqual(['Accept, Origin']);
    expect(ServerResponse.prototype.writeHead).toBe(nodeWriteHead);
  });

  it("still runs a wrapper put on node's ServerResponse.prototype.writeHead after the hook, for every Express response", () => {
    exchange(app, '/clobber'); // the hook is on express.response by now
    const bare = express();
    bare.get('/plain', (_req, res) => {
      res.send('ok');
    });
    const seen: string[] = [];
    // What an APM agent does: wrap node's writeHead on the prototype, later than us.
    ServerResponse.prototype.writeHead = function wrapped(this: ServerResponse, ...args: unknown[]) {
      seen.push(String(this.req?.url));
      this.setHeader('x-apm', '1');
      return (nodeWriteHead as (...a: unknown[]) => ServerResponse).apply(this, args);
    } as typeof nodeWriteHead;
    try {
      const ours = exchange(app, '/clobber');
      const other = exchange(bare, '/plain');
      expect(seen).toEqual(['/clobber', '/plain']);
      expect(ours.head).toMatch(/^x-apm: 1$/im);
      expect(other.head).toMatch(/^x-apm: 1$/im);
      expect(varyOf(ours.head)).toEqual(['Accept, Origin']);
      expect(varyOf(other.head)).toEqual([]);
    } finally {
      ServerResponse.prototype.writeHead = nodeWriteHead;
    }
  });
});

describe('keepVary: the inlined fast path (same names as the last call) is taken only on its own ground', () => {
  const policy = createCorsPolicy({ origins: [ORIGIN] });
  const cors = middlewareWith({
    core: policy,
    failure: { allowed: true, headers: [], vary: [], end: false },
    onError: () => {},
  });
  class SubResponse extends ServerResponse {}

  /** One request through `cors` on a socketless response; the app sets Vary, then ends. */
  function run(res: ServerResponse, before?: (res: ServerResponse) => void): string[] {
    const req = res.req;
    before?.(res);
    cors(req, res, () => {
      res.setHeader('Vary', 'Accept');
      res.end('ok');
    });
    return varyOf((res as unknown as { _header: string })._header);
  }
  function request(): IncomingMessage {
    const req = new IncomingMessage(new Socket());
    req.headers = { origin: ORIGIN };
    req.method = 'GET';
    return req;
  }

  // [case, response factory, whether the response ends with its own writeHead property]
  const CASES: [string, () => ServerResponse, (res: ServerResponse) => void, boolean][] = [
    ["node's own response (the fast path)", () => new ServerResponse(request()), () => {}, true],
    [
      'a ServerResponse subclass: the hook goes on its prototype, not on the response',
      () => new SubResponse(request()),
      () => {},
      false,
    ],
    [
      'a writeHead another library put on the response first',
      () => new ServerResponse(request()),
      (res) => {
        const previous = res.writeHead;
        res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
          this.setHeader('x-wrapped', '1');
          return (previous as (...a: unknown[]) => ServerResponse).apply(this, args);
        } as ServerResponse['writeHead'];
      },
      true,
    ],
  ];

  it.each(CASES)('%s', (_name, make, before, ownWriteHead) => {
    // A plain node response first, so that the next call sees the same names as the last one.
    expect(run(new ServerResponse(request()))).toEqual(['Accept, Origin']);
    const res = make();
    expect(run(res, before)).toEqual(['Accept, Origin']);
    expect(Object.hasOwn(res, 'writeHead')).toBe(ownWriteHead);
    expect(ServerResponse.prototype.writeHead).toBe(nodeWriteHead);
  });

  it('the subclass prototype carries the hook, and a later plain response still gets the shared wrapper', () => {
    run(new SubResponse(request()));
    expect(Object.hasOwn(SubResponse.prototype, 'writeHead')).toBe(true);
    const plain = new ServerResponse(request());
    expect(run(plain)).toEqual(['Accept, Origin']);
    expect(Object.hasOwn(plain, 'writeHead')).toBe(true);
  });
});
