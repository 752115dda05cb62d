import { describe, expect, it } from 'vitest';
import { ownOrigin, parseForwardedFirst, parseHostHeader } from './host.js';

describe('parseHostHeader', () => {
  it.each([
    ['app.example.com', true],
    ['app.example.com:8443', true],
    ['localhost:5173', true],
    ['127.0.0.1:8080', true],
    ['[::1]:8080', true],
    ['[2001:db8::1]', true],
    ['xn--mnchen-3ya.example', true],
    ['APP.Example.com', true],
    ['a_b.internal', true],
    ['', false],
    ['app.example.com:', false],
    ['app.example.com:99999', false],
    ['app.example.com:123456', false],
    ['app.example.com:65536', false],
    ['app.example.com\r\nx: y', false],
    ['app.example.com\n', false],
    ['app.example.com ', false],
    [' app.example.com', false],
    ['evil@app.example.com', false],
    ['app.example.com/path', false],
    ['app.example.com, evil.example', false],
    ['app.example.com\u0000', false],
    ['münchen.example', false],
    ['app%2eexample.com', false],
    ['[::1', false],
    ['[fe80::1%25eth0]', false],
    ['a'.repeat(254), false],
    [`${'a'.repeat(253)}:80`, true],
  ])('%j → valid %s', (value, ok) => {
    expect(parseHostHeader(value) !== undefined).toBe(ok);
  });

  it('refuses non-strings and absent values', () => {
    expect(parseHostHeader(null)).toBeUndefined();
    expect(parseHostHeader(undefined)).toBeUndefined();
    expect(parseHostHeader(42 as unknown as string)).toBeUndefined();
  });
});

describe('ownOrigin', () => {
  it.each([
    ['https', 'app.example.com', 'https://app.example.com'],
    ['https', 'app.example.com:443', 'https://app.example.com'],
    ['http', 'app.example.com:80', 'http://app.example.com'],
    ['https', 'app.example.com:80', 'https://app.example.com:80'],
    ['https', 'APP.Example.COM', 'https://app.example.com'],
    ['http', '[::1]:8080', 'http://[::1]:8080'],
    ['http', '[0:0:0:0:0:0:0:1]', 'http://[::1]'],
    ['http', '127.0.0.1:3000', 'http://127.0.0.1:3000'],
  ] as const)('%s + %s → %s (the serialization a browser sends)', (scheme, host, serialized) => {
    expect(ownOrigin(scheme, host)?.serialized).toBe(serialized);
  });

  it('is undefined when the URL parser refuses the host', () => {
    expect(ownOrigin('https', '[zz::1]')).toBeUndefined();
  });
});

describe('parseForwardedFirst', () => {
  it.each([
    ['proto=https;host=app.example.com', { proto: 'https', host: 'app.example.com' }],
    ['for=192.0.2.60;proto=http;by=203.0.113.43', { proto: 'http' }],
    ['Proto=HTTPS;Host="app.example.com:8443"', { proto: 'HTTPS', host: 'app.example.com:8443' }],
    ['for="[2001:db8::1]:4711";proto=https, for=10.0.0.1;proto=http', { proto: 'https' }],
    [' , proto=https', { proto: 'https' }],
    ['proto=https ; host=app.example.com', { proto: 'https', host: 'app.example.com' }],
    ['host="a\\"b"', { host: 'a"b' }],
    ['for=unknown', {}],
  ])('%j', (value, expected) => {
    expect(parseForwardedFirst(value)).toEqual(expected);
  });

  it.each([
    'proto=https;proto=http',
    'proto',
    'proto=',
    'host="unterminated',
    'proto=https host=x',
    '=https',
    'host="a\u0001b"',
    'proto=ht tps',
    `proto=https;for=${'x'.repeat(5000)}`,
  ])('%j is malformed', (value) => {
    expect(parseForwardedFirst(value)).toBeUndefined();
  });
});
