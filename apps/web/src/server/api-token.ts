// The API token as the web process knows it: read once at start, replaced by a rotation (docs/api.md,
// `system.rotateApiToken`). The bearer check, socket-token signing and the relay client all read it through
// here, so a rotation takes effect for all three at once.
import { newApiToken, writeStoredApiToken } from '@sankey/db/data-dir';

export interface ApiTokenHolder {
  current(): string;
  /** `SANKEY_API_TOKEN` is set: the environment wins (docs/architecture.md, Processes, ports and environment), so rotation is refused. */
  readonly fromEnv: boolean;
  /** A new token, written to `<dataDir>/secrets.json` before it is used. */
  rotate(): string;
}

export function createApiTokenHolder(o: {
  initial: string;
  fromEnv: boolean;
  dataDir: string;
}): ApiTokenHolder {
  let token = o.initial;
  return {
    current: () => token,
    fromEnv: o.fromEnv,
    rotate() {
      if (o.fromEnv) throw new Error('the API token comes from SANKEY_API_TOKEN');
      const next = newApiToken();
      writeStoredApiToken(o.dataDir, next);
      token = next;
      return next;
    },
  };
}
