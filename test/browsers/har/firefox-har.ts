/**
 * A HAR file from real Firefox, made by Firefox's own HAR builder (har-builder.js from the installed
 * omni.ja, ./firefox-devtools.ts) over the network events Firefox itself reported through WebDriver
 * BiDi (network.beforeRequestSent / responseStarted / responseCompleted / fetchError). This module
 * stands in only for the devtools server's network observer: it turns each BiDi request (one per
 * redirect hop) into the network-event object the HAR builder reads.
 *
 * What Firefox reports, as seen (Firefox ESR 153): a CORS preflight is its own request, announced
 * after the request it is for; when the preflight fails, both end in `fetchError`
 * (NS_ERROR_DOM_BAD_URI) and the request itself never gets a response; a simple request whose
 * answer CORS then refuses completes normally (status and headers present, no error).
 */
import type { Page } from 'puppeteer-core';
import type { FirefoxDevtools } from './firefox-devtools.js';

interface BidiHeader {
  name: string;
  value: { type: 'string' | 'base64'; value: string };
}
interface BidiRequest {
  request: string;
  url: string;
  method: string;
  headers: BidiHeader[];
  headersSize?: number;
  timings?: { requestTime?: number };
}
interface BidiResponse {
  status: number;
  statusText: string;
  protocol?: string;
  mimeType?: string;
  headers: BidiHeader[];
  headersSize?: number;
  bytesReceived?: number;
}
interface BidiNetworkEvent {
  request: BidiRequest;
  redirectCount: number;
  timestamp: number;
  response?: BidiResponse;
  errorText?: string;
}

/** One request as Firefox's network monitor keeps it (the fields har-builder.js reads). */
export interface NetworkEvent {
  id: string;
  startedMs: number;
  method: string;
  url: string;
  httpVersion: string;
  requestHeaders: { headers: { name: string; value: string }[]; headersSize: number };
  requestCookies: never[];
  requestPostData: { postData: { text: string } };
  status?: string;
  statusText?: string;
  responseHeaders?: { headers: { name: string; value: string }[]; headersSize: number };
  responseCookies: never[];
  mimeType?: string;
  transferredSize?: number;
  securityState: string;
  remoteAddress: string;
  /** Not read by the HAR builder: the BiDi error, kept for the test's own checks. */
  errorText?: string;
}

const pairs = (hs: BidiHeader[]) =>
  hs.map((h) => ({
    name: h.name,
    value:
      h.value.type === 'base64' ? Buffer.from(h.value.value, 'base64').toString('latin1') : h.value.value,
  }));

/** Records Firefox's BiDi network events for `page`'s browser; `events()` returns them so far. */
export function recordFirefoxNetwork(page: Page): { items(): NetworkEvent[]; stop(): void } {
  const conn = (page.browser() as unknown as { connection: NodeJS.EventEmitter }).connection;
  const byHop = new Map<string, NetworkEvent>();
  const order: NetworkEvent[] = [];
  const hop = (e: BidiNetworkEvent): NetworkEvent => {
    const key = `${e.request.request}#${e.redirectCount}`;
    let item = byHop.get(key);
    if (!item) {
      item = {
        id: key,
        startedMs: Math.round(e.request.timings?.requestTime || e.timestamp),
        method: e.request.method,
        url: e.request.url,
        httpVersion: 'HTTP/1.1',
        requestHeaders: { headers: [], headersSize: e.request.headersSize ?? -1 },
        requestCookies: [],
        requestPostData: { postData: { text: '' } },
        responseCookies: [],
        securityState: new URL(e.request.url).protocol === 'https:' ? 'secure' : 'insecure',
        remoteAddress: '127.0.0.1',
      };
      byHop.set(key, item);
      order.push(item);
    }
    // The latest list is the one sent (Firefox adds Priority once the request goes out).
    item.requestHeaders.headers = pairs(e.request.headers);
    return item;
  };
  const onResponse = (e: BidiNetworkEvent) => {
    const item = hop(e);
    const r = e.response!;
    item.status = String(r.status);
    item.statusText = r.statusText;
    item.httpVersion = (r.protocol ?? 'http/1.1').toUpperCase();
    item.responseHeaders = { headers: pairs(r.headers), headersSize: r.headersSize ?? -1 };
    item.mimeType = r.mimeType ?? '';
    if (typeof r.bytesReceived === 'number') item.transferredSize = r.bytesReceived;
  };
  const listeners: [string, (e: BidiNetworkEvent) => void][] = [
    ['network.beforeRequestSent', hop],
    ['network.responseStarted', onResponse],
    ['network.responseCompleted', onResponse],
    [
      'network.fetchError',
      (e) => {
        hop(e).errorText = e.errorText ?? 'error';
      },
    ],
  ];
  for (const [name, fn] of listeners) conn.on(name, fn);
  return {
    items: () => order,
    stop: () => {
      for (const [name, fn] of listeners) conn.off(name, fn);
    },
  };
}

/** Firefox's HarBuilder (har-builder.js) over `items`, as "Save All As HAR" runs it. */
export async function buildFirefoxHar(
  devtools: FirefoxDevtools,
  items: NetworkEvent[],
  pageUrl: string,
): Promise<{ log: { creator: { name: string }; entries: unknown[] } }> {
  const { HarBuilder } = devtools.require('resource://devtools/client/netmonitor/src/har/har-builder.js') as {
    HarBuilder: new (options: unknown) => { build(): Promise<unknown> };
  };
  const builder = new HarBuilder({
    connector: { currentTarget: { url: pageUrl }, getLongString: async (s: string) => s },
    id: 0,
    includeResponseBodies: false,
    items,
    supportsMultiplePages: false,
  });
  // Out of the vm context, as plain JSON (the file a user would save).
  return JSON.parse(JSON.stringify(await builder.build()));
}
