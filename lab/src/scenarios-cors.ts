/**
 * The CORS and Same-Origin Policy scenarios: the situations the seed articles describe, each as a
 * lab case (the library's index is ./scenarios.ts).
 */
import type { LabCase, LabRequest } from '../../src/lab/types.js';
import { GET, type Scenario } from './scenario.js';

const req = (r: Partial<LabRequest>): LabRequest => ({ ...GET, ...r });
/** The attacker's hidden form POST to the API, with or without the CSRF guard in front. */
const csrfForm = (csrf: boolean): LabCase => ({
  kind: 'form',
  request: req({ method: 'POST', path: 'transfer', body: 'form' }),
  server: { policy: { type: 'none' }, csrf },
});
/** The other site's page posting a message to the app; the app's listener checks event.origin or not. */
const messageCase = (checkOrigin: boolean): LabCase => ({
  kind: 'message',
  request: req({ target: 'other', path: 'message' }),
  server: { policy: { type: 'none' } },
  checkOrigin,
});
/** A PUT with a JSON body: preflighted for the method and the Content-Type. */
const PUT_JSON = req({ method: 'PUT', headers: [['Content-Type', 'application/json']], body: 'json' });
/** The same with an Authorization header. */
const PUT_AUTH = req({
  method: 'PUT',
  headers: [
    ['Authorization', 'Bearer lab-token'],
    ['Content-Type', 'application/json'],
  ],
  body: 'json',
});

export const CORS_SCENARIOS: readonly Scenario[] = [
  {
    id: 'no-acao',
    group: 'Reading a response',
    title: 'GET without Access-Control-Allow-Origin',
    lesson:
      'The Same-Origin Policy does not stop the request: the server receives it and answers. It stops the page from reading the answer, because the server did not opt in with CORS.',
    labCase: { kind: 'fetch', request: req({}), server: { policy: { type: 'none' } } },
  },
  {
    id: 'wildcard',
    group: 'Reading a response',
    title: 'Access-Control-Allow-Origin: *',
    lesson: 'A public API: any origin may read the response, as long as the request carries no credentials.',
    labCase: {
      kind: 'fetch',
      request: req({}),
      server: { policy: { type: 'crossorigin', options: { origins: '*' } } },
    },
  },
  {
    id: 'wildcard-credentials',
    group: 'Reading a response',
    title: '* with credentials: "include"',
    lesson:
      'With credentials the wildcard is not enough: the server must name the origin and send Access-Control-Allow-Credentials: true. crossorigin/server refuses to configure this, so the headers are written by hand.',
    labCase: {
      kind: 'fetch',
      request: req({ credentials: 'include' }),
      server: {
        policy: {
          type: 'raw',
          preflight: { status: 204, headers: [] },
          actual: {
            status: 200,
            headers: [
              ['Access-Control-Allow-Origin', '*'],
              ['Access-Control-Allow-Credentials', 'true'],
              ['Content-Type', 'application/json'],
            ],
          },
        },
      },
    },
  },
  {
    id: 'json-post',
    group: 'Preflight',
    title: 'JSON POST needs a preflight',
    lesson:
      'Content-Type: application/json is not CORS-safelisted, so the browser first asks with OPTIONS. The policy allows the content-type header, so the POST follows.',
    labCase: {
      kind: 'fetch',
      request: req({
        method: 'POST',
        headers: [['Content-Type', 'application/json']],
        body: 'json',
      }),
      server: {
        policy: { type: 'crossorigin', options: { origins: ['{app}'], requestHeaders: ['content-type'] } },
      },
    },
  },
  {
    id: 'put-authorization',
    group: 'Preflight',
    title: 'PUT with Authorization',
    lesson:
      'PUT and Authorization both need the preflight to list them. The policy allows PUT and authorization, so the request goes through.',
    labCase: {
      kind: 'fetch',
      request: PUT_AUTH,
      server: {
        policy: {
          type: 'crossorigin',
          options: {
            origins: ['{app}'],
            methods: ['PUT'],
            requestHeaders: ['authorization', 'content-type'],
          },
        },
      },
    },
  },
  {
    id: 'put-authorization-refused',
    group: 'Preflight',
    title: 'PUT with Authorization the preflight does not allow',
    lesson:
      'The policy allows PUT but not the Authorization header: the preflight answer does not list it, and the PUT is never sent.',
    labCase: {
      kind: 'fetch',
      request: PUT_AUTH,
      server: {
        policy: {
          type: 'crossorigin',
          options: { origins: ['{app}'], methods: ['PUT'], requestHeaders: ['content-type'] },
        },
      },
    },
  },
  {
    id: 'preflight-404',
    group: 'Preflight',
    title: 'Preflight not handled (404)',
    lesson:
      'The application only routes PUT; nothing answers OPTIONS, so the preflight gets a plain 404 without CORS headers and the PUT is never sent.',
    labCase: {
      kind: 'fetch',
      request: PUT_JSON,
      server: {
        policy: {
          type: 'raw',
          preflight: { status: 404, headers: [['Content-Type', 'text/plain']] },
          actual: { status: 200, headers: [['Access-Control-Allow-Origin', '{origin}']] },
        },
      },
    },
  },
  {
    id: 'preflight-500',
    group: 'Preflight',
    title: 'Preflight answered with 500',
    lesson:
      'The CORS headers are there, but a preflight must answer with an ok status (200-299): a 500 fails it whatever the headers say.',
    labCase: {
      kind: 'fetch',
      request: PUT_JSON,
      server: {
        policy: {
          type: 'raw',
          preflight: {
            status: 500,
            headers: [
              ['Access-Control-Allow-Origin', '{origin}'],
              ['Access-Control-Allow-Methods', 'PUT'],
              ['Access-Control-Allow-Headers', 'content-type'],
            ],
          },
          actual: { status: 200, headers: [['Access-Control-Allow-Origin', '{origin}']] },
        },
      },
    },
  },
  {
    id: 'max-age',
    group: 'Preflight',
    title: 'Access-Control-Max-Age: the second request skips the preflight',
    lesson:
      'The same PUT twice: the first is preflighted, the answer is cached for max-age seconds (capped by each browser), and the second goes out alone.',
    labCase: {
      kind: 'fetch',
      request: req({
        method: 'PUT',
        headers: [['Content-Type', 'application/json']],
        body: 'json',
        repeat: 2,
      }),
      server: {
        policy: {
          type: 'crossorigin',
          options: { origins: ['{app}'], methods: ['PUT'], requestHeaders: ['content-type'], maxAge: 600 },
        },
      },
    },
  },
  {
    id: 'exposed-headers',
    group: 'Reading a response',
    title: 'Exposed headers',
    lesson:
      'Script reads only the CORS-safelisted response headers plus those in Access-Control-Expose-Headers: X-Request-Id is exposed, X-Internal-Build is not.',
    labCase: {
      kind: 'fetch',
      request: req({}),
      server: {
        policy: { type: 'crossorigin', options: { origins: ['{app}'], exposeHeaders: ['x-request-id'] } },
      },
    },
  },
  {
    id: 'echo-no-vary',
    group: 'Server mistakes',
    title: 'Allowlist that echoes the Origin without Vary',
    lesson:
      "The browser is satisfied, but the response depends on Origin and says nothing about it: without Vary: Origin a shared cache may serve one origin's answer to another. crossorigin/server always adds Vary: Origin.",
    labCase: {
      kind: 'fetch',
      request: req({}),
      server: {
        policy: {
          type: 'raw',
          preflight: { status: 204, headers: [['Access-Control-Allow-Origin', '{origin}']] },
          actual: {
            status: 200,
            headers: [
              ['Access-Control-Allow-Origin', '{origin}'],
              ['Cache-Control', 'public, max-age=60'],
            ],
          },
        },
      },
    },
  },
  {
    id: 'redirect-null',
    group: 'Server mistakes',
    title: 'A cross-origin redirect taints the origin to null',
    lesson:
      'The API redirects to another origin. After a cross-origin redirect the browser sends Origin: null, and the allowlist there does not contain null.',
    labCase: {
      kind: 'fetch',
      request: req({ path: 'start' }),
      server: {
        policy: { type: 'crossorigin', options: { origins: ['{app}'] } },
        redirect: { status: 307, to: 'other' },
      },
    },
  },
  {
    id: 'no-cors',
    group: 'Reading a response',
    title: 'mode: "no-cors" gives an opaque response',
    lesson:
      'no-cors does not get around CORS: the request is sent, the promise resolves, but the response is opaque: status 0, no headers, no body.',
    labCase: { kind: 'fetch', request: req({ mode: 'no-cors' }), server: { policy: { type: 'none' } } },
  },
  {
    id: 'canvas-tainted',
    group: 'Beyond fetch',
    title: 'Canvas tainted by a cross-origin image',
    lesson:
      'An <img> from another origin loads and draws, but the canvas is then tainted: getImageData throws a SecurityError.',
    labCase: {
      kind: 'image',
      request: req({ path: 'pixel.png' }),
      server: { policy: { type: 'none' } },
      crossOriginAttribute: false,
    },
  },
  {
    id: 'canvas-cors',
    group: 'Beyond fetch',
    title: 'crossorigin="anonymous" + CORS cures the canvas',
    lesson:
      'With the crossorigin attribute the image is fetched with CORS; the server allows the page, so the pixels are readable.',
    labCase: {
      kind: 'image',
      request: req({ path: 'pixel.png' }),
      server: { policy: { type: 'crossorigin', options: { origins: ['{app}'] } } },
      crossOriginAttribute: true,
    },
  },
  {
    id: 'csrf-form',
    group: 'Beyond fetch',
    title: 'Cross-site form POST (CSRF)',
    lesson:
      "The attacker's page submits a hidden form to the API. No CORS, no preflight: the request is sent and the server acts on it. The attacker cannot read the answer, and does not need to.",
    labCase: csrfForm(false),
  },
  {
    id: 'csrf-guard',
    group: 'Beyond fetch',
    title: 'The CSRF guard stops the form POST',
    lesson:
      'The same form, with crossorigin/csrf in front of the API: Sec-Fetch-Site is cross-site and the Origin is not the app, so the guard answers 403 before the application runs.',
    labCase: csrfForm(true),
  },
  {
    id: 'postmessage-nocheck',
    group: 'Beyond fetch',
    title: 'postMessage without an origin check',
    lesson:
      "Any site that frames the page (or that the page frames) can post a message to it. A listener that ignores event.origin acts on the attacker's message.",
    labCase: messageCase(false),
  },
  {
    id: 'postmessage-check',
    group: 'Beyond fetch',
    title: 'postMessage with an origin check',
    lesson: "The listener compares event.origin with the origin it trusts (the API's) and ignores the rest.",
    labCase: messageCase(true),
  },
  {
    id: 'proxy',
    group: 'Server mistakes',
    title: 'Reading a third-party API through the proxy',
    lesson:
      'The other site sends no CORS headers. crossorigin/proxy, on the API origin, fetches it server-side and answers the page with its own CORS policy (this page only).',
    labCase: { kind: 'fetch', request: req({ target: 'proxy' }), server: { policy: { type: 'none' } } },
  },
  {
    id: 'lowercase-patch',
    group: 'Browser differences',
    title: 'fetch with method "patch" (lower case)',
    lesson:
      'Browsers upper-case only DELETE, GET, HEAD, OPTIONS, POST and PUT. "patch" stays "patch", and methods are case-sensitive: a policy listing PATCH does not allow it.',
    labCase: {
      kind: 'fetch',
      request: req({ method: 'patch', headers: [['Content-Type', 'application/json']], body: 'json' }),
      server: {
        policy: {
          type: 'crossorigin',
          options: { origins: ['{app}'], methods: ['PATCH'], requestHeaders: ['content-type'] },
        },
      },
    },
  },
  {
    id: 'allow-headers-star-authorization',
    group: 'Browser differences',
    title: 'Access-Control-Allow-Headers: * and Authorization',
    lesson:
      "The Fetch Standard says the wildcard never covers Authorization, yet Chromium 156 and Firefox ESR 153 let it through. The engine follows your browser's profile; choose the spec profile to see what the standard says.",
    labCase: {
      kind: 'fetch',
      request: req({ headers: [['Authorization', 'Bearer lab-token']] }),
      server: {
        policy: {
          type: 'raw',
          preflight: {
            status: 204,
            headers: [
              ['Access-Control-Allow-Origin', '{origin}'],
              ['Access-Control-Allow-Headers', '*'],
            ],
          },
          actual: { status: 200, headers: [['Access-Control-Allow-Origin', '{origin}']] },
        },
      },
    },
  },
];
