/**
 * What a scenario of the lab's library is: a lab case with a title and its lesson. Origins are
 * placeholders (`{app}`, `{api}`, `{other}`) so a case works on any port and in a shared link.
 */
import type { LabCase, LabRequest } from '../../src/lab/types.js';

export interface Scenario {
  id: string;
  group: string;
  title: string;
  /** What it shows, in a sentence or two. */
  lesson: string;
  labCase: LabCase;
  /** What Chromium 156 and Firefox ESR 153 did, where it is worth saying (the tests check the outcome). */
  observed?: { chromium: string; firefox: string };
}

/** A plain GET to the lab API's `data`, as `fetch(url)` makes it: the base every scenario edits. */
export const GET: LabRequest = {
  target: 'api',
  path: 'data',
  method: 'GET',
  headers: [],
  body: 'none',
  credentials: 'same-origin',
  mode: 'cors',
  repeat: 1,
};
