// The account-id rule of docs/protocol.md D18, shared by the inbound decoder and the API schema: ids are topic
// segments (`config/<id>`, `trade/<master>/<slave>`) and fill 64-byte fields in the EA, so an id with a space
// (the topic/payload separator), a `/` (the segment separator) or a control character, or beyond 63 bytes,
// could never be addressed correctly.
import { MAX_ACCOUNT_ID_BYTES } from './constants';

/** True for 1–63 bytes of UTF-8 without space, `/` or a control character (C0, DEL, C1). */
export function isValidAccountId(s: string): boolean {
  // Every UTF-16 unit is at least one UTF-8 byte, so longer strings fail without a scan.
  if (s.length === 0 || s.length > MAX_ACCOUNT_ID_BYTES) return false;
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x2f || (c >= 0x7f && c <= 0x9f)) return false;
    // A surrogate pair is one 4-byte code point: 2 bytes per half.
    bytes += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 2 : 3;
  }
  return bytes <= MAX_ACCOUNT_ID_BYTES;
}
