/**
 * The transport of the in-page engine: `createBrowserFetch()` needs a fetch that does no CORS of its
 * own (it applies CORS itself), which a page does not have. This one hands the request to the lab
 * server (`POST /__lab/send`, same-origin), which sends it as given to the lab API or the other site
 * and returns the raw answer (status, every header line, body).
 */

function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

export function tunnelFetch(endpoint = '/__lab/send'): typeof globalThis.fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers: [string, string][] = Array.isArray(init?.headers)
      ? (init.headers as [string, string][]).map(([n, v]) => [n, v])
      : [...new Headers(init?.headers)];
    let body: string | null = null;
    const b = init?.body;
    if (b instanceof Uint8Array) body = toBase64(b);
    else if (b instanceof ArrayBuffer) body = toBase64(new Uint8Array(b));
    else if (typeof b === 'string' || b instanceof URLSearchParams)
      body = toBase64(new TextEncoder().encode(String(b)));
    else if (b !== null && b !== undefined) throw new TypeError('the lab tunnel sends only byte bodies');
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url, method: init?.method ?? 'GET', headers, body }),
    });
    const answer = (await res.json()) as {
      status?: number;
      statusText?: string;
      headers?: [string, string][];
      body?: string;
      error?: string;
    };
    if (!res.ok || typeof answer.status !== 'number')
      throw new TypeError(answer.error ?? 'lab tunnel failure');
    const out = new Headers();
    for (const [n, v] of answer.headers ?? []) out.append(n, v);
    return new Response(NULL_BODY.has(answer.status) ? null : fromBase64(answer.body ?? ''), {
      status: answer.status,
      statusText: answer.statusText ?? '',
      headers: out,
    });
  }) as typeof globalThis.fetch;
}
