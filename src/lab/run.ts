/**
 * Runs the lab for a person: starts the three origins, prints the URL to open, and stops cleanly
 * on Ctrl-C (SIGINT) or SIGTERM. Used by `crossorigin lab` and by `npm start`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openInBrowser } from './open.js';
import { defaultAssetsDir, type RunningLab, startLab } from './server.js';

export const DEFAULT_LAB_PORT = 4870;

export interface RunLabOptions {
  /** The app page's port. Default 4870, or any free port when 4870 is taken. */
  port?: number;
  assetsDir?: string;
  /** Open the app page in the default browser. */
  open?: boolean;
  /** How to open it (tests pass their own). Default: the platform's opener. */
  opener?: (url: string, onError: (reason: string) => void) => void;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

function packageVersion(): string {
  try {
    const file = fileURLToPath(new URL('../../package.json', import.meta.url));
    return String((JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version ?? '');
  } catch {
    return '';
  }
}

/** Starts the lab and resolves when it was stopped by a signal. Returns the exit code. */
export async function runLab(options: RunLabOptions = {}): Promise<number> {
  const out = options.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const err = options.err ?? ((l: string) => process.stderr.write(`${l}\n`));
  const assetsDir = options.assetsDir ?? defaultAssetsDir();
  if (!existsSync(path.join(assetsDir, 'index.html'))) {
    err(
      `crossorigin lab: the page is not built (${assetsDir} has no index.html); run \`npm run build\` first`,
    );
    return 2;
  }
  const version = packageVersion();
  let lab: RunningLab;
  try {
    lab = await startLab({ port: options.port ?? DEFAULT_LAB_PORT, assetsDir, version });
  } catch (e) {
    if (options.port === undefined && (e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      lab = await startLab({ port: 0, assetsDir, version });
    } else {
      err(`crossorigin lab: ${(e as Error).message}`);
      return 2;
    }
  }
  out('crossorigin lab: the real browser and the engine, side by side');
  out(`  app page   ${lab.origins.app}`);
  out(`  lab API    ${lab.origins.api}`);
  out(`  other site ${lab.origins.other}  (the attacker, a third-party API)`);
  out('');
  if (options.open) {
    out(`Opening ${lab.url} in your default browser. Loopback only. Press Ctrl-C to stop.`);
    (options.opener ?? openInBrowser)(lab.url, (reason) =>
      err(`crossorigin lab: could not open a browser (${reason}); open ${lab.url} yourself`),
    );
  } else out(`Open ${lab.url} in your browser (or start with --open). Loopback only. Press Ctrl-C to stop.`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      out('stopping…');
      lab.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}
