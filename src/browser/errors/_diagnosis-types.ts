/**
 * The shapes diagnose() reads and returns: what was observed of one blocked request, and the cause
 * and fix it comes to. Kept apart from the reasoning in diagnose.ts.
 */
import type { CorsErrorDetails, CorsErrorKind } from './kinds.js';
import type { PolicyConfigShape, Snippets } from './snippets.js';

/** One HTTP answer as observed (in `check`, a HAR file or the lab). */
export interface ObservedAnswer {
  status: number;
  headers: readonly (readonly [string, string])[];
  /** The body, when it was captured (only refusals are worth reading). */
  body?: string;
}

/** What was seen of one blocked request. */
export interface Observation {
  error: CorsErrorDetails;
  /** The request as the page made it: non-safelisted headers and methods decide the policy shape. */
  request: {
    method: string;
    /** Request header names the page set that are not CORS-safelisted (lower-case). */
    unsafeHeaders: readonly string[];
    /** The method needs a preflight (not GET, HEAD or POST in upper case). */
    unsafeMethod: boolean;
  };
  /** The preflight's answer, when one was sent and answered. */
  preflight?: ObservedAnswer;
  /** Whether the actual request reached the server, and its answer. */
  actual?: ObservedAnswer;
}

/** One possible cause, and how to tell it from the others. */
export interface Candidate {
  cause: string;
  /** How to confirm or rule it out. */
  tell: string;
}

export interface Fix {
  text: string;
  side: 'server' | 'page';
  snippets?: Snippets;
  /** The crossorigin/server config the snippets spell out. */
  policy?: PolicyConfigShape;
  /**
   * A page-side fix, as data: what the page's request should be instead (the method written as
   * browsers send it; the URL to request directly instead of being redirected there).
   */
  request?: { method?: string; url?: string };
}

export interface Diagnosis {
  kind: CorsErrorKind;
  /** The cause in one or two sentences (the most likely one when `candidates` is not empty). */
  cause: string;
  /** When the evidence does not decide: the two or three candidates and how to tell them apart. */
  candidates: Candidate[];
  /** What reached the server and what did not, in plain words. */
  sent: string;
  fix: Fix;
}
