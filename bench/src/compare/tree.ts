// A commit's source tree, ready to run its relay: exported with `git archive` (not a registered worktree, so the
// repository's worktree list and index are untouched), installed with `npm install` from that commit's lockfile and
// built up to the relay (`turbo run build --filter=@sankey/relay...`: shared, core-as's WASM, db's Prisma
// clients; the web app is not built). Cached per full commit id; a tree is used only once its `.compare-ready`
// marker exists, so an interrupted preparation is started again from scratch.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PreparedTree {
  commit: string;
  dir: string;
  /** Seconds spent preparing it now (0 when the cached tree was reused). */
  preparedS: number;
}

/** The full id of `rev` in the repository at `root`; throws on an unknown revision. */
export function resolveCommit(root: string, rev: string): string {
  return execFileSync('git', ['rev-parse', '--verify', `${rev}^{commit}`], {
    cwd: root,
    encoding: 'utf8',
  }).trim();
}

function run(cmd: string, args: string[], cwd: string, log: (line: string) => void): void {
  log(`  $ ${cmd} ${args.join(' ')}   (in ${cwd})`);
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd} (exit ${r.status ?? r.signal})`);
}

export function prepareTree(
  root: string,
  commit: string,
  cacheDir: string,
  log: (line: string) => void,
): PreparedTree {
  const dir = join(cacheDir, commit);
  const marker = join(dir, '.compare-ready');
  if (existsSync(marker)) {
    log(`tree of ${commit.slice(0, 10)}: cached in ${dir}`);
    return { commit, dir, preparedS: 0 };
  }
  const t0 = Date.now();
  log(`tree of ${commit.slice(0, 10)}: preparing in ${dir} (export, npm install, build up to the relay)`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = spawnSync('git', ['archive', '--format=tar', commit], {
    cwd: root,
    maxBuffer: 1 << 30,
  });
  if (archive.status !== 0) throw new Error(`git archive ${commit} failed: ${archive.stderr.toString()}`);
  const untar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  if (untar.status !== 0) throw new Error(`tar -x into ${dir} failed: ${untar.stderr.toString()}`);
  // `npm install`, as the README says (`npm ci` refuses these lockfiles: they lack other platforms' optional
  // binaries of biome and turbo).
  run('npm', ['install', '--no-audit', '--no-fund'], dir, log);
  run('npx', ['turbo', 'run', 'build', '--filter=@sankey/relay...', '--output-logs=errors-only'], dir, log);
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  const preparedS = (Date.now() - t0) / 1000;
  log(`tree of ${commit.slice(0, 10)}: ready after ${preparedS.toFixed(0)} s`);
  return { commit, dir, preparedS };
}
