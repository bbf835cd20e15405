// Test helper: the golden frames of the spec. Reads shared/spec beside the repo when present (so spec edits are
// picked up) and falls back to the committed copy next to this file.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface WireFixture {
  name: string;
  direction: string;
  topic: string | null;
  note: string;
  message: Record<string, unknown>;
  float64Fields: string[];
  bytes: number;
  hex: string;
}

export const SPEC_FIXTURES_PATH = fileURLToPath(
  new URL('../../../../../../shared/spec/fixtures/wire-fixtures.json', import.meta.url),
);
export const COMMITTED_FIXTURES_PATH = fileURLToPath(new URL('./wire-fixtures.json', import.meta.url));

export function loadWireFixtures(): WireFixture[] {
  const path = existsSync(SPEC_FIXTURES_PATH) ? SPEC_FIXTURES_PATH : COMMITTED_FIXTURES_PATH;
  return JSON.parse(readFileSync(path, 'utf8')) as WireFixture[];
}

export function fixture(name: string): WireFixture {
  const found = loadWireFixtures().find((f) => f.name === name);
  if (!found) throw new Error(`no wire fixture named ${name}`);
  return found;
}
