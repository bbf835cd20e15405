// Server start-up (imported once by instrumentation.ts): validate the environment (exit code 2 naming the
// variable), then build the app so secrets generated on this first start are printed now, not on the first
// request.
import { getWebApp } from './app';
import { EnvError, env } from './env';

try {
  env();
} catch (err) {
  if (err instanceof EnvError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
await getWebApp();
