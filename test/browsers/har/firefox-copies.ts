/**
 * "Copy as cURL" and "Copy as Fetch" from Firefox's own network monitor code (read from the
 * installed omni.ja, ./firefox-devtools.ts): the request list's context menu
 * (RequestListContextMenu.js) builds the curl.js input from a request exactly as below and calls
 * `Curl.generateCommand(data, platform)`; "Copy as Fetch" is its `generateFetchString`, run as is.
 * The requests are the ones Firefox reported through WebDriver BiDi (./firefox-har.ts).
 */
import type { FirefoxDevtools } from './firefox-devtools.js';
import type { NetworkEvent } from './firefox-har.js';

export interface FirefoxCopy {
  url: string;
  method: string;
  curl: string;
  /** "Copy as cURL (Windows)". */
  curlWin: string;
  fetch: string;
}

type Generate = (data: unknown, platform?: string) => string;
type FetchString = (
  id: string,
  url: string,
  method: string,
  headers: unknown,
  postData: unknown,
) => Promise<string>;

/** The copies Firefox's network monitor writes for each of `items`. */
export async function firefoxCopies(
  devtools: FirefoxDevtools,
  items: NetworkEvent[],
): Promise<FirefoxCopy[]> {
  const { Curl } = devtools.require('resource://devtools/client/shared/curl.js') as {
    Curl: { generateCommand: Generate };
  };
  const menu = devtools.require(
    'resource://devtools/client/netmonitor/src/widgets/RequestListContextMenu.js',
  ) as unknown as { prototype: { generateFetchString: FetchString } };
  const out: FirefoxCopy[] = [];
  for (const item of items) {
    // As copyAsCurl builds it (no platform given: Services.appinfo.OS, "Linux" here).
    const data = {
      url: item.url,
      method: item.method,
      headers: item.requestHeaders.headers,
      responseHeaders: item.responseHeaders?.headers ?? [],
      httpVersion: item.httpVersion,
      postDataText: item.requestPostData.postData.text,
    };
    out.push({
      url: item.url,
      method: item.method,
      curl: Curl.generateCommand(data),
      curlWin: Curl.generateCommand(data, 'WINNT'),
      fetch: await menu.prototype.generateFetchString.call(
        { props: {} },
        item.id,
        item.url,
        item.method,
        item.requestHeaders,
        item.requestPostData,
      ),
    });
  }
  return out;
}
