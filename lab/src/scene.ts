/**
 * The scene: the page a case with a page of its own runs in (a frame of the lab's page, served by
 * the lab with the case's Content-Security-Policy and Cross-Origin-Embedder-Policy, over https when
 * the case says so). It makes the case's request as the lab's page would, then posts the outcome
 * to the lab's page. The case and its URL come in the fragment.
 */
import type { LabCase, Outcome } from '../../src/lab/types.js';
import { realFetch, realImage, realScript } from './real-run.js';

async function play(): Promise<Outcome[]> {
  try {
    const { labCase, url } = JSON.parse(decodeURIComponent(location.hash.slice(1))) as {
      labCase: LabCase;
      url: string;
    };
    if (labCase.kind === 'image') return await realImage(labCase, url);
    if (labCase.kind === 'script') return await realScript(url);
    return await realFetch(labCase, url);
  } catch (e) {
    return [{ result: 'scene failure', error: (e as Error).message }];
  }
}

void play().then((outcomes) => parent.postMessage({ labScene: outcomes }, '*'));
