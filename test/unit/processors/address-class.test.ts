import { describe, expect, it } from 'vitest';
import { classifyAddress, classifyHostLiteral, isAddressClassAllowed } from '../../../functions/processors/address-class';

describe('classifyAddress', () => {
  it.each([
    ['203.0.113.10', 'public'],
    ['198.51.100.7', 'public'],
    ['2001:db8::1', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['169.254.0.1', 'link_local'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['0.1.2.3', 'reserved'],
    ['224.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['ff02::1', 'reserved'],
  ] as const)('classifies %s as %s', (address, expected) => {
    // Act
    const addressClass = classifyAddress(address);

    // Assess
    expect(addressClass).toBe(expected);
  });

  it.each([
    ['172.15.255.255', 'public'],
    ['172.32.0.0', 'public'],
    ['100.63.255.255', 'public'],
    ['100.128.0.0', 'public'],
    ['169.253.255.255', 'public'],
    ['11.0.0.0', 'public'],
    ['fe7f:ffff::1', 'public'],
    ['fe80::', 'link_local'],
    ['febf:ffff::1', 'link_local'],
    ['fec0::1', 'private'],
    ['fbff:ffff::1', 'public'],
    ['fe00::1', 'public'],
    ['64:ff9b:1:ffff::1', 'private'],
    ['64:ff9b:2::1', 'public'],
    ['::1:0:0:1', 'public'],
  ] as const)('keeps the neighbour %s of a range %s', (address, expected) => {
    // Act
    const addressClass = classifyAddress(address);

    // Assess
    expect(addressClass).toBe(expected);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:203.0.113.10', 'public'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['64:ff9b::cb00:710a', 'public'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    ['::127.0.0.1', 'reserved'],
  ] as const)('judges %s by the IPv4 address it carries (%s)', (address, expected) => {
    // Act
    const addressClass = classifyAddress(address);

    // Assess
    expect(addressClass).toBe(expected);
  });

  it('refuses something that is not an address', () => {
    // Act
    const classify = (): unknown => classifyAddress('example.com');

    // Assess
    expect(classify).toThrow(TypeError);
  });
});

describe('isAddressClassAllowed', () => {
  it.each([
    ['public', {}, true],
    ['loopback', {}, false],
    ['loopback', { allowLoopback: true }, true],
    ['private', { allowLoopback: true }, false],
    ['private', { allowPrivate: true }, true],
    ['cgnat', { allowPrivate: true }, true],
    ['loopback', { allowPrivate: true }, false],
    ['metadata', { allowLoopback: true, allowPrivate: true }, false],
    ['link_local', { allowLoopback: true, allowPrivate: true }, false],
    ['unspecified', { allowLoopback: true, allowPrivate: true }, false],
    ['reserved', { allowLoopback: true, allowPrivate: true }, false],
  ] as const)('%s with %j: %s', (addressClass, allowance, allowed) => {
    expect(isAddressClassAllowed(addressClass, allowance)).toBe(allowed);
  });
});

describe('classifyHostLiteral', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::1', 'loopback'],
    ['localhost', 'loopback'],
    ['LOCALHOST.', 'loopback'],
    ['receiver.localhost', 'loopback'],
    ['10.1.2.3', 'private'],
    ['[fd00::5]', 'private'],
    ['169.254.169.254', 'metadata'],
    ['203.0.113.10', 'public'],
    ['hooks.example.com', undefined],
    ['localhost.example.com', undefined],
  ])('%s is %s', (hostname, addressClass) => {
    expect(classifyHostLiteral(hostname)).toBe(addressClass);
  });
});
