// The API token as stored in <dataDir>/secrets.json, re-read only when the file changed: the HTTP server asks on
// every unknown token, which an outsider can send at will.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { readStoredApiToken } from '@sankey/db/data-dir';

export function storedApiTokenReader(dataDir: string): () => string | null {
  const file = join(dataDir, 'secrets.json');
  let seen = '';
  let token: string | null = null;
  return () => {
    let stamp: string;
    try {
      const st = statSync(file);
      stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      return null;
    }
    if (stamp !== seen) {
      seen = stamp;
      token = readStoredApiToken(dataDir);
    }
    return token;
  };
}
