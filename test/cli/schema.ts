/**
 * `--json` output checked against docs/check-result.schema.json (Ajv), for the CLI tests.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { expect } from 'vitest';

const schema = JSON.parse(
  readFileSync(new URL('../../docs/check-result.schema.json', import.meta.url), 'utf8'),
) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

/** Fails the test unless `j` is valid against the schema. */
export function expectValid(j: unknown): void {
  expect(validate(j), JSON.stringify(validate.errors)).toBe(true);
}

/** One `--json` output, parsed and checked against the schema. */
export function validJson(out: string): Record<string, unknown> {
  const j = JSON.parse(out) as Record<string, unknown>;
  expectValid(j);
  return j;
}
