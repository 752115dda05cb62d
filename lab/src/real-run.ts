/**
 * The real run: what the page itself does in this browser for each kind of case (fetch, an image
 * drawn on a canvas, a form or a postMessage from the other site's page), and the lab servers' log
 * of what reached them.
 */
import { pageOrigin, requestBody } from '../../src/lab/shared.js';
import type { LabCase, Outcome, WireEntry } from '../../src/lab/types.js';
import { $, h, sleep } from './dom.js';
import { lab } from './state.js';

export async function realFetch(c: LabCase, url: string): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (let i = 0; i < c.request.repeat; i++) {
    const b = requestBody(c.request.body);
    try {
      const res = await fetch(url, {
        method: c.request.method,
        headers: c.request.headers,
        ...(b !== undefined ? { body: b } : {}),
        credentials: c.request.credentials,
        mode: c.request.mode,
      });
      await res.arrayBuffer().catch(() => undefined);
      out.push({
        result: 'allowed',
        status: res.status,
        type: res.type,
        readableHeaders: [...res.headers.keys()].sort(),
      });
    } catch (e) {
      out.push({ result: 'blocked', error: `${(e as Error).name}: ${(e as Error).message}` });
    }
  }
  return out;
}

export async function realImage(c: LabCase, url: string): Promise<Outcome[]> {
  const img = new Image();
  if (c.crossOriginAttribute) img.crossOrigin = 'anonymous';
  img.alt = '';
  const loaded = await new Promise<boolean>((resolve) => {
    img.onload = () => resolve(true);
    img.onerror = () => resolve(false);
    img.src = url;
  });
  if (!loaded) return [{ result: 'error' }];
  const canvas = h('canvas', { width: '4', height: '4', 'aria-hidden': 'true' });
  $('stage').replaceChildren(canvas);
  const ctx = canvas.getContext('2d');
  if (!ctx) return [{ result: 'error', error: 'no 2d context' }];
  ctx.drawImage(img, 0, 0);
  try {
    ctx.getImageData(0, 0, 1, 1);
    return [{ result: 'readable' }];
  } catch (e) {
    return [{ result: 'tainted', error: `${(e as Error).name}: ${(e as Error).message}` }];
  }
}

function attackerFrame(spec: unknown): HTMLIFrameElement {
  const frame = h('iframe', {
    title: 'The other site (attacker) page',
    tabindex: '-1',
    src: `${lab.info.other}/attacker.html#${encodeURIComponent(JSON.stringify(spec))}`,
  });
  $('stage').replaceChildren(frame);
  return frame;
}

export async function realForm(url: string, id: string, run: string): Promise<Outcome[]> {
  attackerFrame({ action: 'form', url, fields: { amount: '100', to: 'attacker' } });
  for (let i = 0; i < 100; i++) {
    await sleep(100);
    const wire = await getWire(id, run);
    const hit = wire.find((w) => w.server === 'api' && w.response !== null);
    if (hit?.response) {
      return [{ result: hit.response.status === 403 ? 'refused' : 'accepted', status: hit.response.status }];
    }
  }
  return [{ result: 'not received' }];
}

export async function realMessage(c: LabCase): Promise<Outcome[]> {
  let frame: HTMLIFrameElement | null = null;
  const got = new Promise<Outcome>((resolve) => {
    const timer = setTimeout(() => resolve({ result: 'no message' }), 10_000);
    const listener = (event: MessageEvent) => {
      if (!frame || event.source !== frame.contentWindow) return;
      window.removeEventListener('message', listener);
      clearTimeout(timer);
      // The app's listener, as written with or without the check.
      const accepted = !c.checkOrigin || event.origin === lab.info.api;
      resolve({ result: accepted ? 'accepted' : 'ignored', eventOrigin: event.origin });
    };
    window.addEventListener('message', listener);
  });
  frame = attackerFrame({ action: 'message', data: { action: 'transfer', amount: 100 } });
  return [await got];
}

export async function getWire(id: string, run: string): Promise<WireEntry[]> {
  const res = await fetch(`/__lab/log/${id}/${run}`, { cache: 'no-store' });
  return (await res.json()) as WireEntry[];
}

/** A classic `<script src>`: its load or error event. */
export async function realScript(url: string): Promise<Outcome[]> {
  const script = h('script', {});
  const loaded = await new Promise<boolean>((resolve) => {
    script.onload = () => resolve(true);
    script.onerror = () => resolve(false);
    script.src = url;
    $('stage').replaceChildren(script);
  });
  return [{ result: loaded ? 'load' : 'error' }];
}

/**
 * `window.open(url)`: the popup says hello to its opener when it still has one ("connected"); a
 * handle that turns `closed` without a hello means COOP severed the two ("severed").
 */
export async function realPopup(url: string): Promise<Outcome[]> {
  const handle = window.open(url, '_blank');
  if (!handle) return [{ result: 'popup blocked' }];
  const outcome = await new Promise<Outcome>((resolve) => {
    const finish = (o: Outcome) => {
      clearInterval(poll);
      clearTimeout(limit);
      window.removeEventListener('message', onMessage);
      resolve(o);
    };
    const onMessage = (e: MessageEvent) => {
      if (e.source === handle && (e.data as { labPopup?: unknown })?.labPopup === 'hello')
        finish({ result: 'connected' });
    };
    window.addEventListener('message', onMessage);
    const poll = setInterval(() => {
      if (handle.closed) finish({ result: 'severed' });
    }, 50);
    const limit = setTimeout(() => finish({ result: 'no answer' }), 10_000);
  });
  handle.close();
  return [outcome];
}

/**
 * A case with a page of its own (CSP, COEP, https): the scene frame (`/scene.html`, served with
 * the case's headers) runs it and posts back what it saw.
 */
export async function realInScene(c: LabCase, url: string, caseId: string): Promise<Outcome[]> {
  const origin = pageOrigin(lab.info, c.server.page);
  const spec = encodeURIComponent(JSON.stringify({ labCase: c, url }));
  const frame = h('iframe', {
    title: "The case's page",
    tabindex: '-1',
    src: `${origin}/scene.html?case=${caseId}#${spec}`,
  });
  const got = new Promise<Outcome[]>((resolve) => {
    const limit = setTimeout(() => finish([{ result: 'no answer from the page' }]), 15_000);
    const finish = (o: Outcome[]) => {
      clearTimeout(limit);
      window.removeEventListener('message', listener);
      resolve(o);
    };
    const listener = (e: MessageEvent) => {
      const data = e.data as { labScene?: Outcome[] } | null;
      if (e.source === frame.contentWindow && Array.isArray(data?.labScene)) finish(data.labScene);
    };
    window.addEventListener('message', listener);
  });
  $('stage').replaceChildren(frame);
  return got;
}
