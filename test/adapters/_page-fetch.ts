/**
 * The page side of the adapters' browser suites: `fetch()` calls made in a real page, and what the
 * page could see of each (readable or not, status, body, the exposed `x-app` header).
 */

/** A fetch() as the page makes it. */
export interface PageRequest {
  method: string;
  headers?: Record<string, string>;
  body?: string;
  credentials?: 'omit' | 'include';
}

/** What the page saw. */
export interface PageObserved {
  ok: boolean;
  status?: number;
  body?: string;
  xApp?: string | null;
  error?: string;
}

/**
 * Runs in the page (serialized by playwright and by puppeteer alike, so self-contained): the
 * fetches one after another, each aborted after 10 s. One call for several fetches keeps the round
 * trips to the browser few (WebDriver BiDi costs tens of milliseconds per call).
 */
export async function pageFetches(list: { url: string; f: PageRequest }[]): Promise<PageObserved[]> {
  const out: PageObserved[] = [];
  for (const { url, f } of list) {
    try {
      const r = await fetch(url, {
        method: f.method,
        headers: f.headers,
        body: f.body,
        credentials: f.credentials ?? 'same-origin',
        mode: 'cors',
        cache: 'no-store',
        signal: AbortSignal.timeout(10_000),
      });
      out.push({ ok: true, status: r.status, body: await r.text(), xApp: r.headers.get('x-app') });
    } catch (e) {
      out.push({ ok: false, error: String(e) });
    }
  }
  return out;
}
