import { describe, expect, it } from 'vitest';
import { parseRfc3339Ms, rfc3339Offset, rfc3339Seconds, rfc3339UtcMillis } from './time';

const at = new Date(Date.UTC(2025, 0, 1, 9, 30, 0, 250));
const whole = new Date(Date.UTC(2025, 0, 1, 9, 30, 0, 0));

describe('wire timestamps', () => {
  it('writes the +00:00 form with the fraction only when non-zero', () => {
    expect(rfc3339Offset(at)).toBe('2025-01-01T09:30:00.250+00:00');
    expect(rfc3339Offset(whole)).toBe('2025-01-01T09:30:00+00:00');
  });

  it('writes whole seconds for open_time and milliseconds with Z for trade signals', () => {
    expect(rfc3339Seconds(at)).toBe('2025-01-01T09:30:00+00:00');
    expect(rfc3339UtcMillis(at)).toBe('2025-01-01T09:30:00.250Z');
  });

  it('parses every form, including offsets and nanoseconds', () => {
    expect(parseRfc3339Ms('2025-01-01T09:30:00.250Z')).toBe(at.getTime());
    expect(parseRfc3339Ms('2025-01-01T09:30:00.250000000+00:00')).toBe(at.getTime());
    expect(parseRfc3339Ms('2025-01-01T10:30:00.250+01:00')).toBe(at.getTime());
    expect(parseRfc3339Ms('2025-01-01T09:30:00+00:00')).toBe(whole.getTime());
    expect(parseRfc3339Ms('yesterday')).toBeNaN();
  });
});
