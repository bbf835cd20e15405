// Tests run after `turbo run build`; when run directly (`npx vitest`) without a build, build the wasm first.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { WASM_PATH } from './src/wasm/module';

export default function setup(): void {
  if (!existsSync(WASM_PATH))
    execFileSync('npm', ['run', 'build'], { cwd: import.meta.dirname, stdio: 'inherit' });
}
