/** What a proxy allows, in lines for people (the CLI prints them at start-up). */
import type { CompiledConfig } from './config.js';

/** Lines for people: routes, open-target rules, limits. */
export function describeConfig(config: CompiledConfig): string[] {
  const lines: string[] = [];
  for (const r of config.routes) {
    lines.push(
      `route ${r.prefix} -> ${r.targetUrl.href}${r.cookies ? ' (cookies forwarded)' : ''}${r.websocket ? ' (+WebSocket)' : ''}, Origin ${r.originMode}`,
    );
  }
  if (config.open) {
    const hosts = config.open.dangerouslyAllowAnyTarget
      ? 'ANY host (dangerouslyAllowAnyTarget)'
      : (config.open.allowHost?.patterns.join(', ') ?? '');
    lines.push(`open targets /https://host/path for: ${hosts}`);
    lines.push(
      config.open.dangerouslyAllowPrivateTargets
        ? 'private and loopback addresses ALLOWED (dangerouslyAllowPrivateTargets)'
        : 'private, loopback, link-local and other non-public addresses refused at connect time',
    );
  }
  if (config.requireHeaders.length)
    lines.push(`required request header: one of ${config.requireHeaders.join(', ')}`);
  if (config.perClient)
    lines.push(`rate limit per client: ${config.perClient.requests} per ${config.perClient.windowSeconds} s`);
  if (config.perOrigin)
    lines.push(`rate limit per origin: ${config.perOrigin.requests} per ${config.perOrigin.windowSeconds} s`);
  const l = config.limits;
  lines.push(
    `limits: body ${l.maxBodyBytes} B (idle ${l.requestBodyIdleTimeoutMs} ms, at least ${l.minRequestBodyBytesPerSecond} B/s), headers ${l.maxHeaderBytes} B, connect ${l.connectTimeoutMs} ms, response ${l.headersTimeoutMs} ms, total ${l.totalTimeoutMs} ms`,
  );
  lines.push(
    `upstream requests in flight: ${l.maxConcurrentUpstream} in all, ${l.maxConcurrentUpstreamPerClient} per client, ${l.maxPipelinedPerConnection} per connection (${l.maxQueuedPerConnection} may wait)`,
  );
  return lines;
}
