// A `Later` for tests: runs deferred work at once but iteratively, so a job of many slices does not grow the stack
// and the test sees every frame right after the call that caused it.
import type { Later } from '../core/stream-gate';

export function trampoline(): Later {
  const queue: (() => void)[] = [];
  let running = false;
  return (fn) => {
    queue.push(fn);
    if (running) return;
    running = true;
    try {
      for (let next = queue.shift(); next; next = queue.shift()) next();
    } finally {
      running = false;
    }
  };
}
