/** Response bodies the isolation cases serve (latin1 strings), by kind. */

const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
).toString('latin1');

/** A 0.05 s mono 8 kHz 8-bit WAV file. */
function wav(): string {
  const samples = 400;
  const b = Buffer.alloc(44 + samples, 128);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(36 + samples, 4);
  b.write('WAVEfmt ', 8, 'latin1');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(8000, 24);
  b.writeUInt32LE(8000, 28);
  b.writeUInt16LE(1, 32);
  b.writeUInt16LE(8, 34);
  b.write('data', 36, 'latin1');
  b.writeUInt32LE(samples, 40);
  return b.toString('latin1');
}

export type BodyKind =
  | 'json'
  | 'json-array'
  | 'json-prefix'
  | 'html'
  | 'xml'
  | 'js'
  | 'png'
  | 'wav'
  | 'text'
  | 'empty';

export const BODY_KINDS: readonly BodyKind[] = [
  'json',
  'json-array',
  'json-prefix',
  'html',
  'xml',
  'js',
  'png',
  'wav',
  'text',
  'empty',
];

/** The body of `kind`; a script body sets `window.__ran[id]` when it runs. */
export function bodyOf(kind: BodyKind, id: string): string {
  switch (kind) {
    case 'json':
      return '{"secret": "json", "n": 1}';
    case 'json-array':
      return '[1, 2, 3]';
    case 'json-prefix':
      return `)]}'\n{"secret": "json"}`;
    case 'html':
      return '<!DOCTYPE html><html><body><p>secret</p></body></html>';
    case 'xml':
      return '<?xml version="1.0" encoding="utf-8"?><secret>xml</secret>';
    case 'js':
      return `(window.__ran = window.__ran || {})[${JSON.stringify(id)}] = true;`;
    case 'png':
      return PNG_1X1;
    case 'wav':
      return wav();
    case 'text':
      return 'just some text';
    case 'empty':
      return '';
  }
}
