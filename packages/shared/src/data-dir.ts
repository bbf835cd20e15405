// Where the relay, the web app, the scripts and the simulator keep their shared files (database, secrets.json,
// runtime.json): resolved by this one function so they always agree (docs/architecture.md, Processes, ports and environment). Server-side only (node:fs).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT_PACKAGE_NAME = 'sankey-copier';

/** The nearest ancestor of `from` (inclusive) whose package.json is the monorepo's, else null. */
export function findRepoRoot(from: string): string | null {
  let dir = resolve(/*turbopackIgnore: true*/ from);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === ROOT_PACKAGE_NAME)
          return dir;
      } catch {
        // not ours; keep walking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * The data directory: `SANKEY_DATA_DIR` (given as `fromEnv`; empty counts as unset, as shells and .env files
 * produce it) resolved to an absolute path, else `<repo root>/data`, the repo root being found upwards from
 * `searchFrom` (a module's directory, or the working directory where bundling hides module paths); outside the
 * repository `<searchFrom>/data`.
 */
export function resolveDataDir(fromEnv: string | undefined, searchFrom: string): string {
  if (fromEnv) return resolve(/*turbopackIgnore: true*/ fromEnv);
  const root = findRepoRoot(searchFrom) ?? resolve(/*turbopackIgnore: true*/ searchFrom);
  return join(root, 'data');
}
