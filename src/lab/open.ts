/**
 * `--open`: the lab's URL in the default browser (open on macOS, start on Windows, xdg-open
 * elsewhere), and the command line the lab accepts (`crossorigin lab` and `npm start -- …` alike).
 */
import { spawn } from 'node:child_process';

/** Opens `url` in the default browser; calls `onError` with a reason when no opener could be started. */
export function openInBrowser(
  url: string,
  onError: (reason: string) => void,
  platform = process.platform,
): void {
  const [cmd, args] =
    platform === 'darwin'
      ? ['open', [url]]
      : platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args as string[], { detached: true, stdio: 'ignore' });
    child.on('error', (e) => onError(`${cmd}: ${e.message}`));
    child.unref();
  } catch (e) {
    onError(`${cmd}: ${(e as Error).message}`);
  }
}

export type LabArgs = { ok: true; port?: number; open: boolean } | { ok: false; problem: string };

function port(text: string | undefined): number | null {
  if (text === undefined || !/^\d+$/.test(text)) return null;
  const n = Number(text);
  return n <= 65535 ? n : null;
}

/** `[--port N | -p N | --port=N | N] [--open]` (what `npm start -- --port N` passes on). */
export function parseLabArgs(argv: readonly string[]): LabArgs {
  let p: number | undefined;
  let open = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value =
      a === '--port' || a === '-p'
        ? argv[++i]
        : a.startsWith('--port=')
          ? a.slice(7)
          : /^\d+$/.test(a)
            ? a
            : undefined;
    if (a === '--open') open = true;
    else if (value !== undefined || a === '--port' || a === '-p') {
      const n = port(value);
      if (n === null)
        return { ok: false, problem: `--port must be 0..65535, got ${JSON.stringify(value ?? '')}` };
      p = n;
    } else return { ok: false, problem: `unknown argument ${JSON.stringify(a)} (use --port N and --open)` };
  }
  return { ok: true, ...(p !== undefined ? { port: p } : {}), open };
}
