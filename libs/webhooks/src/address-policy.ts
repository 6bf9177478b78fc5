import { Injectable } from '@nestjs/common';
import { Cidr, TidingsConfig } from '@tidings/config';
import * as ipaddr from 'ipaddr.js';

const IPV4_COMPATIBLE = ipaddr.parse('::');

/**
 * Which addresses a webhook may reach. Only globally routable unicast
 * addresses pass by default: loopback, RFC 1918, link-local (incl. cloud
 * metadata at 169.254.169.254), CGNAT, multicast, unspecified, reserved and
 * their IPv6 equivalents (incl. IPv4-mapped and NAT64 forms) are refused unless
 * inside WEBHOOK_ALLOWED_CIDRS.
 */
@Injectable()
export class AddressPolicy {
  private readonly allowed: readonly Cidr[];

  constructor(config: TidingsConfig) {
    this.allowed = config.webhook.allowedCidrs;
  }

  /** `null` if `address` may be connected to, otherwise why not. */
  refusal(address: string): string | null {
    if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
    let ip = ipaddr.parse(address);
    if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
    if (this.allowed.some(([range, bits]) => range.kind() === ip.kind() && ip.match(range, bits))) return null;
    // ipaddr.js calls the deprecated IPv4-compatible form (::a.b.c.d) unicast; it embeds an IPv4 address, so refuse it.
    let range: string = ip.range();
    if (range === 'unicast' && ip.kind() === 'ipv6' && ip.match(IPV4_COMPATIBLE, 96)) range = 'ipv4Compatible';
    return range === 'unicast' ? null : `${address} is a ${range} address (allow it with WEBHOOK_ALLOWED_CIDRS)`;
  }
}
