/**
 * The scenario library: CORS and the Same-Origin Policy (./scenarios-cors.ts), then what else makes
 * a browser refuse a cross-origin request or read: ORB, CORP, COEP and COOP
 * (./scenarios-isolation.ts), mixed content and the page's CSP (./scenarios-context.ts).
 */
import type { Scenario } from './scenario.js';
import { CONTEXT_SCENARIOS } from './scenarios-context.js';
import { CORS_SCENARIOS } from './scenarios-cors.js';
import { ISOLATION_SCENARIOS } from './scenarios-isolation.js';

export type { Scenario } from './scenario.js';

export const SCENARIOS: readonly Scenario[] = [
  ...CORS_SCENARIOS,
  ...ISOLATION_SCENARIOS,
  ...CONTEXT_SCENARIOS,
];

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
