/**
 * Builds a HAR 1.2 file from Chromium's DevTools protocol network events (the events DevTools'
 * own network panel and HAR export are made from): request headers as sent (ExtraInfo), preflights
 * as their own entries, responses with their raw headers even when CORS then blocks them, redirect
 * hops as separate entries. Used to capture real HARs in tests.
 */
import type { CDPSession } from 'playwright-core';

interface Hop {
  method: string;
  url: string;
  headers: Record<string, string>;
  postData?: string;
  type?: string;
  status: number;
  responseHeaders: Record<string, string>;
  error?: string;
}

const pairs = (h: Record<string, string>) =>
  Object.entries(h).flatMap(([name, v]) =>
    String(v)
      .split('\n')
      .map((value) => ({ name, value })),
  );

/** Listens on `cdp` (Network enabled by the caller); `har()` returns what was seen so far. */
export function recordHar(cdp: CDPSession): { har(): unknown } {
  const hops = new Map<string, Hop[]>();
  const order: Hop[] = [];
  const extraReq = new Map<string, Record<string, string>>();
  const extraRes = new Map<string, { status: number; headers: Record<string, string> }>();
  const last = (id: string) => hops.get(id)?.at(-1);
  cdp.on('Network.requestWillBeSent', (e) => {
    const prev = last(e.requestId);
    if (prev && e.redirectResponse) {
      prev.status = e.redirectResponse.status;
      prev.responseHeaders = e.redirectResponse.headers;
    }
    const hop: Hop = {
      method: e.request.method,
      url: e.request.url,
      headers: e.request.headers,
      ...(e.request.postData ? { postData: e.request.postData } : {}),
      ...(e.type ? { type: e.type } : {}),
      status: 0,
      responseHeaders: {},
    };
    hops.set(e.requestId, [...(hops.get(e.requestId) ?? []), hop]);
    order.push(hop);
  });
  cdp.on('Network.requestWillBeSentExtraInfo', (e) => {
    const hop = last(e.requestId);
    if (hop) hop.headers = e.headers;
    else extraReq.set(e.requestId, e.headers);
  });
  cdp.on('Network.responseReceivedExtraInfo', (e) => {
    const hop = last(e.requestId);
    const value = { status: e.statusCode, headers: e.headers };
    if (hop && hop.status === 0) {
      hop.status = value.status;
      hop.responseHeaders = value.headers;
    } else extraRes.set(e.requestId, value);
  });
  cdp.on('Network.responseReceived', (e) => {
    const hop = last(e.requestId);
    if (hop) {
      hop.status = e.response.status;
      hop.responseHeaders = e.response.headers;
    }
  });
  cdp.on('Network.loadingFailed', (e) => {
    const hop = last(e.requestId);
    if (hop) hop.error = e.errorText;
  });
  return {
    har() {
      for (const [id, h] of extraReq) {
        const hop = last(id);
        if (hop) hop.headers = h;
      }
      for (const [id, r] of extraRes) {
        const hop = last(id);
        if (hop && hop.status === 0) {
          hop.status = r.status;
          hop.responseHeaders = r.headers;
        }
      }
      return {
        log: {
          version: '1.2',
          creator: { name: 'crossorigin test (Chromium DevTools protocol)', version: '1' },
          entries: order.map((h) => ({
            startedDateTime: new Date(0).toISOString(),
            time: 0,
            request: {
              method: h.method,
              url: h.url,
              httpVersion: 'HTTP/1.1',
              headers: pairs(h.headers),
              queryString: [],
              cookies: [],
              headersSize: -1,
              bodySize: h.postData ? h.postData.length : 0,
              ...(h.postData
                ? { postData: { mimeType: h.headers['Content-Type'] ?? '', text: h.postData } }
                : {}),
            },
            response: {
              status: h.status,
              statusText: '',
              httpVersion: 'HTTP/1.1',
              headers: pairs(h.responseHeaders),
              cookies: [],
              content: { size: 0, mimeType: '' },
              redirectURL: '',
              headersSize: -1,
              bodySize: -1,
            },
            ...(h.error ? { _error: h.error } : {}),
            cache: {},
            timings: { send: 0, wait: 0, receive: 0 },
            ...(h.type ? { _resourceType: h.type } : {}),
          })),
        },
      };
    },
  };
}
