import { parseConfig } from '@tidings/config';
import { AddressPolicy } from './address-policy';

function policy(allowedCidrs?: string): AddressPolicy {
  return new AddressPolicy(parseConfig(allowedCidrs === undefined ? {} : { WEBHOOK_ALLOWED_CIDRS: allowedCidrs }));
}

describe('AddressPolicy.refusal', () => {
  const strict = policy();

  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'RFC 1918 private'],
    ['172.16.0.1', 'RFC 1918 private'],
    ['172.31.255.254', 'RFC 1918 private (top of 172.16/12)'],
    ['192.168.1.1', 'RFC 1918 private'],
    ['169.254.169.254', 'cloud metadata (link-local)'],
    ['100.64.0.1', 'CGNAT'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'IPv6 loopback'],
    ['::', 'IPv6 unspecified'],
    ['fe80::1', 'IPv6 link-local'],
    ['fc00::1', 'IPv6 unique local'],
    ['fd12:3456::1', 'IPv6 unique local (fd00::/8)'],
    ['ff02::1', 'IPv6 multicast'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::ffff:169.254.169.254', 'IPv4-mapped cloud metadata'],
    ['64:ff9b::a00:1', 'NAT64 of 10.0.0.1'],
  ])('refuses %s (%s)', (address) => {
    const reason = strict.refusal(address);
    expect(reason).not.toBeNull();
    expect(reason).toContain(address);
    expect(reason).toContain('WEBHOOK_ALLOWED_CIDRS');
  });

  it.each(['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111', '::ffff:93.184.216.34'])('allows the public address %s', (address) => {
    expect(strict.refusal(address)).toBeNull();
  });

  it.each(['example.com', 'localhost', '', '999.1.1.1', '10.0.0.1:80'])('refuses %j, which is not an IP address', (address) => {
    expect(strict.refusal(address)).toMatch(/is not an IP address/);
  });

  describe('with WEBHOOK_ALLOWED_CIDRS=127.0.0.0/8', () => {
    const loopbackAllowed = policy('127.0.0.0/8');

    it('allows loopback, written as IPv4 or as IPv4-mapped IPv6', () => {
      expect(loopbackAllowed.refusal('127.0.0.1')).toBeNull();
      expect(loopbackAllowed.refusal('127.255.0.9')).toBeNull();
      expect(loopbackAllowed.refusal('::ffff:127.0.0.1')).toBeNull();
    });

    it('still refuses other private ranges and IPv6 loopback', () => {
      expect(loopbackAllowed.refusal('10.0.0.1')).not.toBeNull();
      expect(loopbackAllowed.refusal('::ffff:10.0.0.1')).not.toBeNull();
      expect(loopbackAllowed.refusal('169.254.169.254')).not.toBeNull();
      expect(loopbackAllowed.refusal('::1')).not.toBeNull();
    });
  });

  it('applies IPv6 allowances to IPv6 addresses only', () => {
    const allowed = policy('::1/128, fd00::/8');
    expect(allowed.refusal('::1')).toBeNull();
    expect(allowed.refusal('fd12::7')).toBeNull();
    expect(allowed.refusal('fc00::1')).not.toBeNull();
    expect(allowed.refusal('127.0.0.1')).not.toBeNull();
  });

  it('allows exactly the listed range, not its neighbours', () => {
    const allowed = policy('10.20.0.0/16');
    expect(allowed.refusal('10.20.255.255')).toBeNull();
    expect(allowed.refusal('10.21.0.1')).not.toBeNull();
  });
});

describe('AddressPolicy: IPv4-compatible IPv6', () => {
  it('refuses ::a.b.c.d forms, which embed an IPv4 address', () => {
    const { AddressPolicy } = require('./address-policy');
    const { parseConfig } = require('@tidings/config');
    const policy = new AddressPolicy(parseConfig({}));
    expect(policy.refusal('::7f00:1')).toMatch(/ipv4Compatible/);
    expect(policy.refusal('::a00:1')).toMatch(/ipv4Compatible/);
    expect(policy.refusal('::1')).toMatch(/loopback/);
  });
});
