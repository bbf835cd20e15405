// Timestamp strings in the exact formats of docs/protocol.md §1.4 (several coexist on the wire).

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function dateAndTime(d: Date): string {
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

/** `2025-01-01T09:30:00.123+00:00`; the fraction is left out when it is zero (Heartbeat, Register, …). */
export function rfc3339Offset(d: Date = new Date()): string {
  const ms = d.getUTCMilliseconds();
  return `${dateAndTime(d)}${ms === 0 ? '' : `.${pad(ms, 3)}`}+00:00`;
}

/** Whole seconds with `+00:00`, as `PositionInfo.open_time` carries it. */
export function rfc3339Seconds(d: Date = new Date()): string {
  return `${dateAndTime(d)}+00:00`;
}

/** `2025-01-01T09:30:00.250Z`, the TradeSignal form (always three fraction digits). */
export function rfc3339UtcMillis(d: Date = new Date()): string {
  return `${dateAndTime(d)}.${pad(d.getUTCMilliseconds(), 3)}Z`;
}

export const rfc3339Now = (): string => rfc3339Offset(new Date());

/** Parses any of the forms above (and `±hh:mm` offsets, up to 9 fraction digits) to epoch ms; NaN if invalid. */
export function parseRfc3339Ms(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return Number.NaN;
  const [, y, mo, da, h, mi, se, frac, zone] = m;
  const fracMs = frac ? Number(`0.${frac}`) * 1000 : 0;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(da), Number(h), Number(mi), Number(se)) + fracMs;
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  return ms;
}
