// Polls until `fn` returns `expected` (usable in hooks, where expect.poll is not allowed).
export async function until<T>(
  fn: () => T | Promise<T>,
  expected: T,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    try {
      last = await fn();
      if (last === expected) return;
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) throw new Error(`${what}: still ${String(last)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Waits until a child process's output (read anew on each poll) matches `pattern`; fails with the output so far if
 * the process exits first or the time runs out.
 */
export async function untilPrinted(
  output: () => string,
  child: () => { exitCode: number | null } | undefined,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = output().match(pattern);
    if (m) return m;
    const code = child()?.exitCode;
    if (code != null) throw new Error(`the process exited (${code}):\n${output()}`);
    if (Date.now() > deadline) throw new Error(`${pattern} was not printed in time:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
