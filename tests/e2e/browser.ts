// Which Chromium the browser tests drive: Debian's where it is installed (.ci/run installs it), otherwise the one the
// npm package @sparticuz/chromium ships brotli-packed, so `npm install && npm test` needs no apt and no download.
import {
  accessSync,
  constants,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sparticuz from '@sparticuz/chromium';
import { browserEnv, withTmpDir } from './env';

export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

// The same flags for both browsers. Not sparticuz's own `args`: they are for serverless hosts (--single-process,
// --disable-web-security, --headless='shell'), and this binary is already the headless shell.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export interface E2eBrowser {
  /** What was chosen, for the log line. */
  label: string;
  executablePath: string;
  args: string[];
  /** The browser's environment; undefined keeps Playwright's default (this process's). */
  env?: Record<string, string>;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Unpacks sparticuz's Chromium once per package version into `<tmp>/sankey-sparticuz-chromium-<version>` and
 * returns that directory. The package always unpacks into os.tmpdir() and reuses whatever `chromium` it finds
 * there, so it is pointed at a fresh staging directory that is renamed into place only when complete: a run
 * that was killed halfway or a concurrent run never leaves a half-written binary for the next one to launch.
 */
async function unpackSparticuz(): Promise<string> {
  const require = createRequire(import.meta.url);
  const pkgJson = join(dirname(require.resolve('@sparticuz/chromium')), '..', 'package.json');
  const { version } = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string };
  const dir = join(tmpdir(), `sankey-sparticuz-chromium-${version}`);
  if (existsSync(join(dir, 'chromium'))) return dir;

  const staging = mkdtempSync(`${dir}.partial-`);
  try {
    // --disable-gpu: the SwiftShader libraries would never be loaded, so they are not unpacked.
    sparticuz.setGraphicsMode = false;
    await withTmpDir(staging, () => sparticuz.executablePath());
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  // Fontconfig gets the fonts the package ships (Open Sans) besides the machine's, so a machine with no fonts at
  // all still draws Latin text. Japanese comes from the web app's own font either way (the tests check that).
  writeFileSync(
    join(staging, 'fonts.conf'),
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n  <dir>${dir}/fonts/fonts</dir>\n  <cachedir>${dir}/fontconfig-cache</cachedir>\n</fontconfig>\n`,
  );
  try {
    renameSync(staging, dir);
  } catch (err) {
    // Another run renamed its complete copy into place first; use that one.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(dir, 'chromium'))) throw err;
  }
  return dir;
}

export async function e2eBrowser(): Promise<E2eBrowser> {
  if (isExecutable(DEBIAN_CHROMIUM)) {
    return { label: `Debian's Chromium (${DEBIAN_CHROMIUM})`, executablePath: DEBIAN_CHROMIUM, args: FLAGS };
  }
  const dir = await unpackSparticuz();
  const env = browserEnv({ FONTCONFIG_FILE: join(dir, 'fonts.conf') });
  return {
    label: `@sparticuz/chromium's Chromium (${join(dir, 'chromium')})`,
    executablePath: join(dir, 'chromium'),
    args: FLAGS,
    env,
  };
}
