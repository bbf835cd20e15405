// Test helper: another process holds an exclusive lock on a SQLite file (hold-sqlite-lock.mjs), as a backup tool
// or a `sqlite3` shell with an open transaction would. Resolves once the lock is held.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface HeldLock {
  /** Resolves when the other process has committed and closed the file (ms since epoch). */
  released: Promise<number>;
  /** When the lock was taken (ms since epoch). */
  lockedAt: number;
}

export async function holdSqliteLock(file: string, holdMs: number): Promise<HeldLock> {
  const script = fileURLToPath(new URL('./hold-sqlite-lock.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, file, String(holdMs)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  let out = '';
  const seen = (word: string) =>
    new Promise<number>((resolve, reject) => {
      const onData = (d: Buffer) => {
        out += d.toString();
        if (out.includes(word)) {
          child.stdout.off('data', onData);
          resolve(Date.now());
        }
      };
      child.stdout.on('data', onData);
      child.once('exit', (code) => {
        if (!out.includes(word)) reject(new Error(`lock holder exited ${code} before "${word}": ${stderr}`));
      });
    });
  const released = seen('released');
  const lockedAt = await seen('locked');
  released.catch(() => {});
  return { lockedAt, released };
}
