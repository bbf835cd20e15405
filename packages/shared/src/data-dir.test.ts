import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findRepoRoot, resolveDataDir } from './data-dir';

const tmp = mkdtempSync(join(tmpdir(), 'sankey-data-dir-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('resolveDataDir', () => {
  const repo = join(tmp, 'repo');
  mkdirSync(join(repo, 'apps', 'web'), { recursive: true });
  writeFileSync(join(repo, 'package.json'), JSON.stringify({ name: 'sankey-copier' }));
  writeFileSync(join(repo, 'apps', 'web', 'package.json'), JSON.stringify({ name: '@sankey/web' }));

  it('defaults to <repo root>/data, found upwards past the workspace package.json', () => {
    expect(findRepoRoot(join(repo, 'apps', 'web'))).toBe(repo);
    expect(resolveDataDir(undefined, join(repo, 'apps', 'web'))).toBe(join(repo, 'data'));
  });

  it('takes SANKEY_DATA_DIR, made absolute, and treats an empty value as unset', () => {
    expect(resolveDataDir('/srv/sankey', repo)).toBe('/srv/sankey');
    expect(resolveDataDir('rel', repo)).toBe(join(process.cwd(), 'rel'));
    expect(resolveDataDir('', join(repo, 'apps'))).toBe(join(repo, 'data'));
  });

  it('falls back to <searchFrom>/data outside the repository', () => {
    const outside = join(tmp, 'elsewhere');
    mkdirSync(outside);
    expect(resolveDataDir(undefined, outside)).toBe(join(outside, 'data'));
  });
});
