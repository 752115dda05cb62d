/**
 * "Copy as cURL" and "Copy as fetch" from Chromium's own DevTools front-end, the one Debian's
 * chromium package ships (devtools://devtools/bundled/). A page of the same browser loads
 * devtools_app.html; in it, the front-end's own network model (SDK.NetworkManager's
 * NetworkDispatcher) is fed the DevTools protocol events Chromium sent for the real requests, and
 * the network panel's own generators (NetworkLogView.generateCurlCommand, generateFetchCall) write
 * the copies from the NetworkRequest objects it built. Only the dispatcher's owner is stood in for
 * (a NetworkManager with no live target: no cookie model, no events to the panel).
 */
import type { BrowserContext, CDPSession } from 'playwright-core';

const NETWORK_EVENTS = [
  'requestWillBeSent',
  'requestWillBeSentExtraInfo',
  'responseReceived',
  'responseReceivedExtraInfo',
  'loadingFinished',
  'loadingFailed',
] as const;

export type CdpEvent = [method: (typeof NETWORK_EVENTS)[number], params: unknown];

/** Records the Network events the front-end's dispatcher consumes (Network enabled by the caller). */
export function recordCdpNetwork(cdp: CDPSession): CdpEvent[] {
  const events: CdpEvent[] = [];
  for (const m of NETWORK_EVENTS) cdp.on(`Network.${m}` as never, (e: unknown) => events.push([m, e]));
  return events;
}

export interface DevtoolsCopy {
  /** The protocol's request id, and the redirect hop (0: the request the page made). */
  id: string;
  hop: number;
  url: string;
  method: string;
  /** "Copy as cURL (bash)". */
  curl: string;
  /** "Copy as cURL (cmd)". */
  curlCmd: string;
  /** "Copy as fetch". */
  fetch: string;
}

/** Runs in the DevTools page: the front-end's modules, by their paths in the bundle. */
const IN_PAGE = `async (events) => {
  const network = await import('./panels/network/network.js');
  const sdk = await import('./core/sdk/sdk.js');
  const targetManager = sdk.TargetManager.TargetManager.instance();
  const owner = {
    target: () => ({ targetManager: () => targetManager, model: () => null }),
    dispatchEventToListeners: () => {},
  };
  const dispatcher = new sdk.NetworkManager.NetworkDispatcher(owner);
  const ids = [];
  for (const [method, params] of events) {
    dispatcher[method](params);
    if (method === 'requestWillBeSent' && !ids.includes(params.requestId)) ids.push(params.requestId);
  }
  const view = network.NetworkLogView.NetworkLogView;
  const out = [];
  for (const id of ids) {
    // Every hop of the request, first to last (the panel lists each redirect hop).
    const hops = [];
    for (let r = dispatcher.requestForId(id); r; r = r.redirectSource()) hops.unshift(r);
    for (const [hop, request] of hops.entries()) {
      out.push({
        id,
        hop,
        url: request.url(),
        method: request.requestMethod,
        curl: await view.generateCurlCommand(request, 'unix'),
        curlCmd: await view.generateCurlCommand(request, 'win'),
        // 0: the "Copy as fetch" style (1 is "Copy as fetch (Node.js)").
        fetch: await view.prototype.generateFetchCall.call(null, request, 0),
      });
    }
  }
  return out;
}`;

/**
 * The copies Chromium's DevTools writes for every request in `events`, each redirect hop on its
 * own, in the order the requests started.
 */
export async function chromiumCopies(context: BrowserContext, events: CdpEvent[]): Promise<DevtoolsCopy[]> {
  const page = await context.newPage();
  try {
    await page.goto('devtools://devtools/bundled/devtools_app.html', { waitUntil: 'load' });
    // A string, not a function: the test runner rewrites `import()` in functions it compiles.
    return (await page.evaluate(`(${IN_PAGE})(${JSON.stringify(events)})`)) as DevtoolsCopy[];
  } finally {
    await page.close();
  }
}
