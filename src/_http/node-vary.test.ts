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
});
