/** The lab page's shared state: the lab's origins, the detected profile, the chosen scenario. */
import { profileForUserAgent } from '../../src/lab/shared.js';
import type { LabInfo } from '../../src/lab/types.js';
import type { Scenario } from './scenarios.js';
import { tunnelFetch } from './tunnel.js';

export const lab: {
  /** The three origins of this lab run (from /__lab/info). */
  info: LabInfo;
  /** The scenario the editor was filled from; null for a custom case. */
  current: Scenario | null;
  /** The engine profile for this browser. */
  readonly detected: string;
  /** The in-page engine's transport (tunnelled through the lab server). */
  readonly transport: ReturnType<typeof tunnelFetch>;
} = {
  info: { app: location.origin, api: '', other: '', version: '' },
  current: null,
  detected: profileForUserAgent(navigator.userAgent),
  transport: tunnelFetch(),
};

/** One column: the library folds away once a scenario is chosen. */
export const narrow = window.matchMedia('(max-width: 760px)');
