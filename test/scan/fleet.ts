/**
 * The scanner's fleet: the planted servers (one per misconfiguration class and per common framework
 * misuse) and the correctly configured ones. Every server plays the API of `https://app.victim.test`
 * unless it says otherwise, and its data depends on the session cookie `session=s3cret`. The
 * `expected` table is the exact set of findings each must produce.
 */
import cors from 'cors';
import express from 'express';
import { corsMiddleware } from '../../src/adapters/node.js';
import {
  data,
  exact,
  type FleetServer,
  type Handler,
  handRolled,
  hostname,
  json,
  SITE,
  withMiddleware,
} from './fleet-kit.js';
import { CLASS_FLEET, CORRECT_FLEET } from './fleet-more.js';

export { COOKIE, type FleetServer, listen, type Running, SITE } from './fleet-kit.js';

const BASE_FLEET: FleetServer[] = [
  {
    name: 'cors-origin-true',
    what: "express + cors({ origin: true, credentials: true }) (the `cors` package's echo-everything mode)",
    handler: express()
      .use(cors({ origin: true, credentials: true }))
      .get('/', json) as unknown as Handler,
    // The cors package also echoes Access-Control-Request-Headers unless allowedHeaders is set.
    expected: { 'origin-reflection': 'high', 'preflight-reflection': 'low' },
  },
  {
    name: 'reflect-any-no-credentials',
    what: 'echoes any Origin, without Access-Control-Allow-Credentials',
    handler: handRolled(() => true, { credentials: false }),
    expected: { 'origin-reflection': 'low' },
  },
  {
    name: 'unanchored-regexp',
    what: '/https:\\/\\/app\\.victim\\.test/.test(origin) (no ^ or $)',
    handler: handRolled((o) => /https:\/\/app\.victim\.test/.test(o)),
    expected: { 'prefix-match': 'high' },
  },
  {
    name: 'starts-with',
    what: "origin.startsWith('https://app.victim.test')",
    handler: handRolled((o) => o.startsWith(SITE)),
    expected: { 'prefix-match': 'high' },
  },
  {
    name: 'ends-with',
    what: "origin.endsWith('victim.test')",
    // endsWith ignores the scheme and the label boundary: http:, any subdomain and eviltarget all pass.
    handler: handRolled((o) => o.endsWith('victim.test')),
    expected: { 'suffix-match': 'high', 'arbitrary-subdomain': 'low', 'insecure-origin': 'medium' },
  },
  {
    name: 'substring-of-domain',
    what: "origin is https: and 'app.victim.test'.includes(new URL(origin).hostname)",
    // (Without the length test, origins URL.parse refuses give '' and ''.includes passes: the
    // scanner then also reports special-characters, which is right but not this server's class.)
    handler: handRolled(
      (o) => o.startsWith('https://') && hostname(o).length > 0 && 'app.victim.test'.includes(hostname(o)),
    ),
    // `https://app.victim.tes` is a substring too (partial-host-match).
    expected: { 'partial-domain-match': 'high', 'partial-host-match': 'high' },
  },
  {
    name: 'unescaped-dot',
    what: '/^https:\\/\\/app.victim\\.test$/ (the first dot unescaped)',
    handler: handRolled((o) => /^https:\/\/app.victim\.test$/.test(o)),
    expected: { 'unescaped-dot': 'high' },
  },
  {
    name: 'special-characters',
    what: 'prefix check that refuses a following dot but not other characters',
    handler: handRolled((o) => o === SITE || /^https:\/\/app\.victim\.test[^./:a-z0-9]/.test(o)),
    expected: { 'special-characters': 'medium' },
  },
  {
    name: 'reflected-null',
    what: "allowlist ['null', 'https://app.victim.test'] with credentials",
    handler: handRolled(exact(['null', SITE])),
    expected: { 'null-origin': 'high' },
  },
  {
    name: 'wildcard-credentials',
    what: 'Access-Control-Allow-Origin: * and Access-Control-Allow-Credentials: true',
    handler: (req, res) => {
      res.setHeader('access-control-allow-origin', '*');
      res.setHeader('access-control-allow-credentials', 'true');
      json(req, res);
    },
    expected: { 'wildcard-with-credentials': 'low' },
  },
  {
    name: 'dynamic-without-vary',
    what: 'exact allowlist, origin echoed, no Vary: Origin',
    handler: handRolled(exact([SITE]), { vary: false }),
    expected: { 'missing-vary-origin': 'low' },
  },
  {
    name: 'preflight-reflects',
    what: 'exact allowlist, but preflights echo Access-Control-Request-Method / -Headers',
    handler: handRolled(exact([SITE]), { reflectPreflight: true }),
    expected: { 'preflight-reflection': 'info' },
  },
  {
    name: 'jsonp',
    what: '?callback=name wraps the user data in name(...) as text/javascript',
    handler: (req, res) => {
      const cb = new URL(req.url ?? '/', 'http://x').searchParams.get('callback');
      if (cb && /^[\w$.]+$/.test(cb)) {
        res.setHeader('content-type', 'text/javascript; charset=utf-8');
        res.end(`/**/${cb}(${data(req)});`);
        return;
      }
      json(req, res);
    },
    expected: { jsonp: 'high' },
  },
  {
    name: 'http-origin-trusted',
    what: "allowlist ['https://app.victim.test', 'http://app.victim.test'] with credentials",
    handler: handRolled(exact([SITE, 'http://app.victim.test'])),
    expected: { 'insecure-origin': 'medium' },
  },
  {
    name: 'third-party-developer-origins',
    what: 'allowlist with /\\.github\\.io$/ and https://codepen.io (for demos) with credentials',
    handler: handRolled(
      (o) => o === SITE || o === 'https://codepen.io' || /^https:\/\/[a-z0-9-]+\.github\.io$/.test(o),
    ),
    expected: { 'third-party-origin': 'high' },
  },
  {
    name: 'multiple-values',
    what: 'two Access-Control-Allow-Origin lines (application and proxy both add one)',
    handler: (req, res) => {
      res.setHeader('access-control-allow-origin', [SITE, 'https://admin.victim.test']);
      json(req, res);
    },
    expected: { 'multiple-allow-origin': 'info' },
  },
  {
    name: 'invalid-value',
    what: 'Access-Control-Allow-Origin: https://app.victim.test/ (trailing slash)',
    handler: (req, res) => {
      res.setHeader('access-control-allow-origin', `${SITE}/`);
      json(req, res);
    },
    expected: { 'invalid-allow-origin': 'info' },
  },
  // Correctly configured: nothing to report (the public API's wildcard is informational only).
  {
    name: 'crossorigin-server-credentials',
    what: "crossorigin/server { origins: ['https://app.victim.test'], credentials: true, methods: ['PUT'], requestHeaders: ['content-type'] }",
    handler: withMiddleware(
      corsMiddleware({
        origins: [SITE],
        credentials: true,
        methods: ['PUT'],
        requestHeaders: ['content-type'],
      }),
    ),
    expected: {},
  },
  {
    name: 'crossorigin-server-list',
    what: "crossorigin/server { origins: ['https://app.victim.test', 'https://admin.victim.test'] }",
    handler: withMiddleware(corsMiddleware({ origins: [SITE, 'https://admin.victim.test'] })),
    expected: {},
  },
  {
    name: 'cors-package-allowlist',
    what: "express + cors({ origin: ['https://app.victim.test'], credentials: true, allowedHeaders: ['content-type'] })",
    handler: express()
      .use(cors({ origin: [SITE], credentials: true, allowedHeaders: ['content-type'] }))
      .get('/', json) as unknown as Handler,
    expected: {},
  },
  {
    name: 'no-cors',
    what: 'no CORS headers at all (same-origin only)',
    handler: json,
    expected: {},
  },
  {
    name: 'public-wildcard-api',
    what: "crossorigin/server { origins: '*' } on public data",
    handler: withMiddleware(corsMiddleware({ origins: '*' }), (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('{"public":true}');
    }),
    expected: { 'wildcard-origin': 'info' },
  },
];

export const FLEET: FleetServer[] = [...BASE_FLEET, ...CLASS_FLEET, ...CORRECT_FLEET];
