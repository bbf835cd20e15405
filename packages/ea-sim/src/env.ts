// The simulator CLI's environment: the only place in ea-sim that reads process.env (biome: noProcessEnv).
import { resolveDataDir } from '@sankey/shared/data-dir';

/** Where the CLI looks for runtime.json when --data-dir is not given: $SANKEY_DATA_DIR, else <repo>/data. */
export function defaultDataDir(): string {
  return resolveDataDir(process.env['SANKEY_DATA_DIR'], process.cwd());
}
