// Members are processed in byte order of the slave account id (docs/protocol.md §6), never in DB collation order.
const enc = new TextEncoder();

/** Compares two strings by their UTF-8 bytes (what the original's Rust `String` ordering does). */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  // For code points below U+D800 (all ASCII and nearly all account ids) UTF-16 order equals UTF-8 order.
  if (isBelowSurrogates(a) && isBelowSurrogates(b)) return a < b ? -1 : 1;
  const x = enc.encode(a);
  const y = enc.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

function isBelowSurrogates(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0xd800) return false;
  return true;
}
