import { describe, expect, it } from 'vitest';
import { LOG_INSERT_PATH, logEndpoint, logEndpointBytes, MAX_LOG_ENDPOINT_BYTES } from './log-shipping';

describe('log endpoint', () => {
  it('is null without a host (no GlobalConfigMessage), else host without trailing slashes + the insert path', () => {
    expect(logEndpoint('')).toBeNull();
    expect(logEndpoint('   ')).toBeNull();
    expect(logEndpoint(' http://logs:9428// ')).toBe(`http://logs:9428${LOG_INSERT_PATH}`);
  });

  it('counts UTF-8 bytes against the EA limit', () => {
    expect(logEndpointBytes('é')).toBe(2);
    expect(logEndpointBytes(logEndpoint('http://a')!)).toBeLessThanOrEqual(MAX_LOG_ENDPOINT_BYTES);
  });
});
