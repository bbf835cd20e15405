import { describe, expect, it } from 'vitest';
import { FrameDecodeError, FrameTooLargeError } from './errors';

describe('error classes', () => {
  it('carry a name, their details and the cause', () => {
    const cause = new Error('root');
    const decode = new FrameDecodeError('missing_field:account_id', { accountId: 'M1', cause });
    expect(decode).toMatchObject({
      name: 'FrameDecodeError',
      reason: 'missing_field:account_id',
      accountId: 'M1',
    });
    expect(decode.cause).toBe(cause);
    const big = new FrameTooLargeError(5000, 4096, 'config/S1');
    expect(big).toMatchObject({ name: 'FrameTooLargeError', size: 5000, limit: 4096, topic: 'config/S1' });
    expect(big.message).toContain('config/S1');
  });
});
