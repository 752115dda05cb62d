/**
 * `crossorigin proxy`: runs the safe CORS / dev reverse proxy. Flags for the common cases, a JSON
 * config file for the rest (the same shape as `createProxy` options, plus `port` and `host`).
 *
 *   crossorigin proxy --target /api=http://localhost:8080 --allow-origin http://localhost:5173
 *   crossorigin proxy --allow-target-host api.example.com --allow-origin https://app.example.com \
 *     --require-header x-requested-with --rate-limit 60/min
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  createRedisRateLimitStore,
  type ListeningProxy,
  listenProxy,
  ProxyConfigError,
  type ProxyOptions,
  type ProxyRoute,
  type RateLimitStore,
} from '../proxy/index.js';
import type { CorsPolicyConfig } from '../server/index.js';

/** The command's flags as commander parses them. */
export interface ProxyFlags {
  target?: string[];
  allowOrigin?: string[];
  allowTargetHost?: string[];
  port?: string;
  host?: string;
  requireHeader?: string[];
  rateLimit?: string;
  rateLimitRedis?: string;
  rateLimitRedisTimeout?: string;
  config?: string;
  json?: boolean;
}

/** The config file: ProxyOptions (with `cors` as a CorsPolicyConfig) plus where to listen. */
export interface ProxyConfigFile extends Omit<ProxyOptions, 'cors'> {
  cors?: CorsPolicyConfig;
  port?: number;
  host?: string;
}

/** A usage problem: printed, exit code 2. */
export class ProxyUsageError extends Error {}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * Merges flags into the config file's options. Flags add to lists (routes, origins, target hosts)
 * and override scalars (port, host, rate limit). Pure; throws ProxyUsageError.
 */
export function buildProxyOptions(
  flags: ProxyFlags,
  file: ProxyConfigFile = {},
): { options: ProxyOptions; port: number; host: string } {
  const problems: string[] = [];
  const routes: ProxyRoute[] = [...(file.routes ?? [])];
  for (const spec of flags.target ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0) {
      problems.push(`--target "${spec}" must look like /api=http://localhost:8080`);
      continue;
    }
    routes.push({ prefix: spec.slice(0, eq), target: spec.slice(eq + 1) });
  }
  let cors: CorsPolicyConfig | undefined = file.cors;
  if (flags.allowOrigin?.includes('*')) {
    // `--allow-origin '*'`: a public API policy (any origin, never credentials).
    if (flags.allowOrigin.length > 1 || (cors?.origins !== undefined && cors.origins !== '*')) {
      problems.push("--allow-origin '*' allows every origin and cannot be combined with other origins");
    } else cors = { ...(cors ?? {}), origins: '*' };
  } else if (flags.allowOrigin?.length) {
    const existing = cors?.origins;
    if (existing !== undefined && !Array.isArray(existing)) {
      problems.push('--allow-origin cannot be combined with a config file whose cors.origins is not a list');
    } else {
      cors = {
        ...(cors ?? {}),
        origins: [...((existing as string[] | undefined) ?? []), ...flags.allowOrigin],
      };
    }
  }
  if (!cors) {
    problems.push(
      'a CORS policy is required: pass --allow-origin <origin> (repeatable) or "cors" in --config',
    );
  }
  let openTargets = file.openTargets;
  if (flags.allowTargetHost?.length) {
    const base = openTargets || {};
    openTargets = { ...base, allowHosts: [...(base.allowHosts ?? []), ...flags.allowTargetHost] };
  }
  const requireHeader = [
    ...(file.requireHeader === undefined
      ? []
      : typeof file.requireHeader === 'string'
        ? [file.requireHeader]
        : file.requireHeader),
    ...(flags.requireHeader ?? []),
  ];
  const rateLimit = flags.rateLimit
    ? { ...(file.rateLimit ?? {}), perClient: flags.rateLimit }
    : file.rateLimit;
  const port = flags.port !== undefined ? Number(flags.port) : (file.port ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`--port "${flags.port}" is not a port number`);
  const host = flags.host ?? file.host ?? '127.0.0.1';
  if (routes.length === 0 && !openTargets) {
    problems.push(
      'nothing to proxy: pass --target /prefix=URL or --allow-target-host HOST (or routes/openTargets in --config)',
    );
  }
  if (problems.length) throw new ProxyUsageError(problems.join('\n'));
  const { port: _p, host: _h, cors: _c, ...rest } = file;
  const options: ProxyOptions = {
    ...rest,
    cors: cors as CorsPolicyConfig,
    routes,
    ...(openTargets ? { openTargets } : {}),
    ...(requireHeader.length ? { requireHeader } : {}),
    ...(rateLimit ? { rateLimit } : {}),
  };
  return { options, port, host };
}

/** Output channel, so tests can capture it. */
export interface ProxyIo {
  out(line: string): void;
  err(line: string): void;
}

/** Starts the proxy from flags; returns the running proxy. Throws ProxyUsageError / ProxyConfigError. */
export async function startProxyFromFlags(flags: ProxyFlags, io: ProxyIo): Promise<ListeningProxy> {
  let file: ProxyConfigFile = {};
  if (flags.config) {
    let text: string;
    try {
      text = await readFile(flags.config, 'utf8');
    } catch (err) {
      throw new ProxyUsageError(`cannot read --config ${flags.config}: ${(err as Error).message}`);
    }
    try {
      file = JSON.parse(text) as ProxyConfigFile;
    } catch (err) {
      throw new ProxyUsageError(`--config ${flags.config} is not valid JSON: ${(err as Error).message}`);
    }
  }
  const built = buildProxyOptions(flags, file);
  const { port, host } = built;
  let options = built.options;
  if (flags.rateLimitRedisTimeout !== undefined && !flags.rateLimitRedis) {
    throw new ProxyUsageError('--rate-limit-redis-timeout goes with --rate-limit-redis');
  }
  const redis = flags.rateLimitRedis
    ? await connectRedis(flags.rateLimitRedis, redisTimeout(flags.rateLimitRedisTimeout), options, io)
    : null;
  if (redis) options = { ...options, rateLimit: { ...options.rateLimit, store: redis.store } };
  let running: ListeningProxy;
  try {
    running = await listenProxy(options, { port, host });
  } catch (err) {
    await redis?.close();
    throw err;
  }
  if (redis) {
    const close = running.close.bind(running);
    running = {
      ...running,
      close: async () => {
        await close();
        await redis.close();
      },
    };
  }
  const cors = options.cors as CorsPolicyConfig;
  const origins = Array.isArray(cors.origins) ? cors.origins.join(', ') : String(cors.origins);
  const lines = running.proxy.describe();
  if (flags.json) {
    io.out(JSON.stringify({ url: running.url, origins: cors.origins, rules: lines }));
  } else {
    io.out(`crossorigin proxy listening on ${running.url}`);
    io.out(`allowed origins: ${origins}`);
    for (const line of lines) io.out(`  ${line}`);
    if (!['127.0.0.1', '::1', 'localhost'].includes(host)) {
      io.out(`note: listening on ${host}, reachable from other machines`);
    }
    io.out('press Ctrl-C to stop');
  }
  return running;
}

/** `--rate-limit-redis-timeout MS`: a whole number of milliseconds, 1 to 60,000. */
function redisTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Number(text);
  if (!/^\d+$/.test(text) || ms < 1 || ms > 60_000) {
    throw new ProxyUsageError(
      `--rate-limit-redis-timeout "${text}" must be a whole number of milliseconds from 1 to 60000`,
    );
  }
  return ms;
}

/**
 * `--rate-limit-redis URL`: a node-redis client (the optional peer dependency `redis`) behind the
 * shared rate-limit store. Connecting goes on in the background: until Redis answers, and whenever
 * it is away, rate-limited requests are refused with 503 (fail closed).
 */
async function connectRedis(
  url: string,
  timeoutMs: number | undefined,
  options: ProxyOptions,
  io: ProxyIo,
): Promise<{ store: RateLimitStore; close(): Promise<void> }> {
  if (!options.rateLimit?.perClient && !options.rateLimit?.perOrigin) {
    throw new ProxyUsageError(
      '--rate-limit-redis needs a rate limit: pass --rate-limit (or rateLimit in --config)',
    );
  }
  let redis: typeof import('redis');
  try {
    redis = await import('redis');
  } catch {
    throw new ProxyUsageError('--rate-limit-redis needs the "redis" package: npm install redis');
  }
  let client: ReturnType<typeof redis.createClient>;
  try {
    client = redis.createClient({ url, disableOfflineQueue: true });
  } catch (err) {
    throw new ProxyUsageError(`--rate-limit-redis "${url}": ${(err as Error).message}`);
  }
  let down = false;
  client.on('error', (err: Error) => {
    if (!down)
      io.err(
        `crossorigin proxy: Redis unavailable (${err.message}); refusing rate-limited requests until it answers`,
      );
    down = true;
  });
  client.on('ready', () => {
    if (down) io.err('crossorigin proxy: Redis is back');
    down = false;
  });
  client.connect().catch(() => {});
  return {
    store: createRedisRateLimitStore(timeoutMs === undefined ? { client } : { client, timeoutMs }),
    async close() {
      await client.close().catch(() => client.destroy());
    },
  };
}

/** Registers `crossorigin proxy` on the CLI program (called by src/cli/main.ts). */
export function registerProxyCommand(program: Command): Command {
  return program
    .command('proxy')
    .description('run a CORS / dev reverse proxy that is safe to expose (allowlists, SSRF defence, limits)')
    .option('--target <prefix=url>', 'fixed route, e.g. /api=http://localhost:8080 (repeatable)', collect)
    .option(
      '--allow-origin <origin>',
      "origin or pattern allowed by the CORS policy (repeatable; required); '*' alone: any origin, no credentials",
      collect,
    )
    .option(
      '--allow-target-host <pattern>',
      'enable /https://host/path for this host or *.domain (repeatable)',
      collect,
    )
    .option('-p, --port <port>', 'port to listen on (default 8787)')
    .option('--host <address>', 'interface to listen on (default 127.0.0.1)')
    .option('--require-header <name>', 'require this request header (repeatable: any one of them)', collect)
    .option('--rate-limit <rate>', 'token bucket per client address, e.g. 60/min, 10/s')
    .option(
      '--rate-limit-redis <url>',
      'keep rate-limit buckets in Redis (shared by every instance), e.g. redis://127.0.0.1:6379; needs the redis package',
    )
    .option(
      '--rate-limit-redis-timeout <ms>',
      'refuse (503) a rate-limited request when Redis has not answered within this time (default 500)',
    )
    .option(
      '--config <file>',
      'JSON file with the full options (cors, routes, openTargets, rateLimit, limits, port, host)',
    )
    .option('--json', 'print the startup summary as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  crossorigin proxy --target /api=http://localhost:8080 --allow-origin http://localhost:5173\n  crossorigin proxy --allow-target-host api.example.com --allow-origin https://app.example.com --rate-limit 60/min\n',
    )
    .action(async (flags: ProxyFlags) => {
      const io: ProxyIo = {
        out: (l) => process.stdout.write(`${l}\n`),
        err: (l) => process.stderr.write(`${l}\n`),
      };
      let running: ListeningProxy;
      try {
        running = await startProxyFromFlags(flags, io);
      } catch (err) {
        if (err instanceof ProxyUsageError || err instanceof ProxyConfigError) {
          io.err(`crossorigin proxy: ${err.message}`);
          process.exitCode = 2;
          return;
        }
        // Could not listen (port taken, address not available): the CLI's "network failure" code.
        io.err(`crossorigin proxy: ${(err as Error).message}`);
        process.exitCode = 2;
        return;
      }
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          if (!flags.json) io.out('stopping…');
          running.close().then(resolve, resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      process.exitCode = 0;
    });
}
