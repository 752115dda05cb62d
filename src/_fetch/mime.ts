/**
 * MIME types, through `whatwg-mimetype` (the MIME Sniffing Standard's parser, kept by jsdom).
 */
import { MIMEType } from 'whatwg-mimetype';

/** A parsed MIME type: lower-cased type, subtype and essence, and its parameters (names lower-case). */
export interface ParsedMimeType {
  type: string;
  subtype: string;
  /** `type/subtype`. */
  essence: string;
  parameters: ReadonlyMap<string, string>;
}

/**
 * Parse a MIME type. Returns null on failure; never throws.
 * https://mimesniff.spec.whatwg.org/#parse-a-mime-type
 */
export function parseMimeType(value: string): ParsedMimeType | null {
  let parsed: MIMEType | null;
  try {
    parsed = MIMEType.parse(value);
  } catch {
    return null;
  }
  if (parsed === null) return null;
  return {
    type: parsed.type,
    subtype: parsed.subtype,
    essence: parsed.essence,
    parameters: new Map(parsed.parameters),
  };
}
