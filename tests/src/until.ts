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
