// Worker entry: workers do not inherit the parent's TypeScript loader, so register tsx here, then load the worker.
import { register } from 'tsx/esm/api';

register();
await import('./storage-worker.ts');
