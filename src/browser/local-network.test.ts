import { describe, expect, it } from 'vitest';
import { createBrowserFetch } from './browser-fetch.js';
import { CONTEXT_PROFILES } from './context-profile.js';
import { addressSpaceOfHost, localNetworkAccessCheck } from './local-network.js';
import { createPageContext } from './page-context.js';

describe('Local Network Access', () => {
  it('address spaces of literal hosts', () => {
    expect(addressSpaceOfHost('127.0.0.1')).toBe('loopback');
    expect(addressSpaceOfHost('[::1]')).toBe('loopback');
    expect(addressSpaceOfHost('localhost')).toBe('loopback');
    expect(addressSpaceOfHost('192.168.1.2')).toBe('local');
    expect(addressSpaceOfHost('[fd00::1]')).toBe('local');
    expect(addressSpaceOfHost('8.8.8.8')).toBe('public');
    expect(addressSpaceOfHost('api.example')).toBeNull();
  });
  it('chromium: insecure public page -> blocked; secure without permission -> denied; granted -> allowed', () => {
    const c = CONTEXT_PROFILES.chromium;
    expect(localNetworkAccessCheck('loopback', 'public', false, 'prompt', c)).toMatchObject({
      reason: 'insecure-context',
    });
    expect(localNetworkAccessCheck('loopback', 'public', true, 'prompt', c)).toMatchObject({
      reason: 'permission-denied',
    });
    expect(localNetworkAccessCheck('loopback', 'public', true, 'granted', c)).toEqual({ action: 'allowed' });
    expect(localNetworkAccessCheck('public', 'loopback', false, 'prompt', c)).toEqual({ action: 'allowed' });
  });
  it('firefox: waits for the prompt, no secure-context rule', () => {
    expect(localNetworkAccessCheck('local', 'public', false, 'prompt', CONTEXT_PROFILES.firefox)).toEqual({
      action: 'prompt',
      space: 'local',
    });
  });
  it('createBrowserFetch refuses before sending anything, with the line private-network.test.ts observed', async () => {
    let sent = 0;
    const page = createPageContext({ url: 'http://public.test/', addressSpace: 'public' });
    const f = createBrowserFetch({
      page,
      fetch: async () => {
        sent++;
        return new Response('x');
      },
    });
    const e = await f('http://127.0.0.1:9/data').then(
      () => null,
      (err: TypeError) => err,
    );
    expect(e?.message).toBe('Failed to fetch');
    const cause = e?.cause as { kind: string; message: string } | undefined;
    expect(cause?.kind).toBe('local-network-insecure-context');
    expect(cause?.message).toMatch(
      /has been blocked by CORS policy: The request client is not a secure context and the resource is in more-private address space `loopback`/,
    );
    expect(sent).toBe(0);
  });
});
