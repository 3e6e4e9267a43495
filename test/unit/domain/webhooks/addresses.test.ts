// Which addresses a webhook may go to (SSRF rules): public unicast only, unless private ones are
// allowed; embedded IPv4 (mapped, NAT64, 6to4) decided by the IPv4 address.
import { expect, test } from 'bun:test';
import { addressAllowed, classifyAddress, isIpLiteral, type AddressClass } from '../../../../src/domain/webhooks/addresses.ts';

test.each([
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['10.0.0.1', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.0.1', 'private'],
  ['169.254.169.254', 'link-local'],
  ['100.64.0.1', 'shared (CGNAT)'],
  ['100.127.255.255', 'shared (CGNAT)'],
  ['0.0.0.0', 'unspecified'],
  ['224.0.0.251', 'multicast'],
  ['255.255.255.255', 'reserved'],
  ['192.0.2.10', 'documentation'],
  ['198.18.0.1', 'benchmarking'],
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['[::1]', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['fc00::1', 'unique-local'],
  ['fdff:ffff::1', 'unique-local'],
  ['fe80::1', 'link-local'],
  ['febf::1', 'link-local'],
  ['ff02::1', 'multicast'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:10.1.2.3', 'private'],
  ['64:ff9b::a9fe:a9fe', 'link-local'],
  ['2002:0a00:0001::', 'private'],
  ['2001:db8::1', 'documentation'],
] as [string, AddressClass][])('%s is %s', (address, kind) => {
  expect(classifyAddress(address)).toBe(kind);
  expect(addressAllowed(address, false)).toBe(false);
  expect(addressAllowed(address, true)).toBe(true);
});

test.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '2a00:1450:4001:82b::200e', '::ffff:8.8.8.8'])(
  '%s is public and allowed',
  (address) => {
    expect(classifyAddress(address)).toBe('public');
    expect(addressAllowed(address, false)).toBe(true);
  },
);

test.each(['localhost', 'example.com', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1::2::3', '1:2:3:4:5:6:7:8:9', 'fe80::1%eth0', ''])(
  '%p is not an IP address, and never allowed as one',
  (text) => {
    expect(classifyAddress(text)).toBe('not an IP address');
    expect(isIpLiteral(text)).toBe(false);
    expect(addressAllowed(text, true)).toBe(false);
  },
);
