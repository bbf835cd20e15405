import { describe, expect, it } from 'vitest';
import { allowedHostnames, hostAllowed, hostnameOf, publicOriginProblem } from './host-allow-list';

describe('Host allow-list', () => {
  const local = allowedHostnames();
  const pub = allowedHostnames('https://Copier.Example.com:8443');

  it('allows the loopback names with any port', () => {
    for (const h of ['localhost', 'localhost:3000', '127.0.0.1:3001', '[::1]:3000', '[::1]', 'LOCALHOST:1']) {
      expect(hostAllowed(h, local)).toBe(true);
    }
  });

  it('refuses other names, a missing header and malformed values', () => {
    for (const h of [
      'evil.example',
      'evil.example:3000',
      '127.0.0.2:3000',
      'localhost.evil.example',
      '',
      null,
    ]) {
      expect(hostAllowed(h, local)).toBe(false);
    }
    expect(hostAllowed('a@localhost', local)).toBe(false);
    expect(hostAllowed('localhost/x', local)).toBe(false);
    expect(hostnameOf('[::1')).toBeNull();
  });

  it('adds the public origin host name', () => {
    expect(hostAllowed('copier.example.com', pub)).toBe(true);
    expect(hostAllowed('copier.example.com:3001', pub)).toBe(true);
    expect(hostAllowed('copier.example.com', local)).toBe(false);
  });

  it('validates the public origin', () => {
    expect(publicOriginProblem('https://copier.example.com')).toBeNull();
    expect(publicOriginProblem('http://10.0.0.5:3000/')).toBeNull();
    expect(publicOriginProblem('copier.example.com')).not.toBeNull();
    expect(publicOriginProblem('ftp://copier.example.com')).not.toBeNull();
    expect(publicOriginProblem('https://copier.example.com/admin')).not.toBeNull();
    expect(publicOriginProblem('https://u:p@copier.example.com')).not.toBeNull();
  });
});
