import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { JobFailedError, NonRetryableError } from '../../../functions/core/errors';
import { allowedAddressesOf, assertLiteralTargetAllowed, guardedLookup, type TargetLookup } from '../../../functions/processors/target-guard';

/** A resolver that answers every name with the given addresses. */
const resolvingTo = (...addresses: string[]) =>
  vi.fn<TargetLookup>(async () =>
    addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })),
  );

const target = new URL('https://hooks.example.com/in?token=s3cret');

describe('allowedAddressesOf', () => {
  it('lets a host with only public addresses through, with its addresses', async () => {
    // Prepare
    const lookup = resolvingTo('203.0.113.10', '2001:db8:85a3::8a2e:370:7334');

    // Act
    const check = allowedAddressesOf(target, { lookup });

    // Assess
    await expect(check).resolves.toEqual([
      { address: '203.0.113.10', family: 4 },
      { address: '2001:db8:85a3::8a2e:370:7334', family: 6 },
    ]);
    expect(lookup).toHaveBeenCalledWith('hooks.example.com', { all: true });
  });

  it.each([
    ['loopback', '127.0.0.1'],
    ['loopback', '::1'],
    ['private', '10.1.2.3'],
    ['private', '172.20.0.5'],
    ['private', '192.168.0.10'],
    ['private', 'fd00::5'],
    ['cgnat', '100.64.1.1'],
    ['link_local', '169.254.10.10'],
    ['link_local', 'fe80::1'],
    ['metadata', '169.254.169.254'],
    ['unspecified', '0.0.0.0'],
    ['unspecified', '::'],
  ])('refuses a %s address (%s) by default', async (addressClass, address) => {
    // Act
    const check = allowedAddressesOf(target, { lookup: resolvingTo(address) });

    // Assess
    await expect(check).rejects.toThrow(NonRetryableError);
    await expect(check).rejects.toMatchObject({
      category: 'non_retryable',
      message: `delivery target hooks.example.com resolves to ${address}, a ${addressClass} address; refused`,
      context: { host: 'hooks.example.com', address, addressClass },
    });
  });

  it('never puts the path or query in the refusal', async () => {
    // Act
    const check = allowedAddressesOf(target, { lookup: resolvingTo('10.0.0.1') });

    // Assess
    await expect(check).rejects.toSatisfy((error: Error) => !error.message.includes('s3cret') && !error.message.includes('/in'));
  });

  it('refuses a host when any one of its addresses is refused', async () => {
    // Act
    const check = allowedAddressesOf(target, { lookup: resolvingTo('203.0.113.10', '10.0.0.7') });

    // Assess
    await expect(check).rejects.toMatchObject({ context: { address: '10.0.0.7' } });
  });

  it('allows loopback when told to, and nothing more', async () => {
    // Act
    const loopback = allowedAddressesOf(target, { allowLoopback: true, lookup: resolvingTo('127.0.0.1', '::1') });
    const privateAddress = allowedAddressesOf(target, { allowLoopback: true, lookup: resolvingTo('10.0.0.1') });

    // Assess
    await expect(loopback).resolves.toHaveLength(2);
    await expect(privateAddress).rejects.toThrow(NonRetryableError);
  });

  it('allows private and CGNAT addresses when told to, and not loopback', async () => {
    // Act
    const internal = allowedAddressesOf(target, {
      allowPrivate: true,
      lookup: resolvingTo('10.0.0.1', '172.16.0.1', '192.168.0.1', 'fd00::1', '100.64.0.1'),
    });
    const loopback = allowedAddressesOf(target, { allowPrivate: true, lookup: resolvingTo('127.0.0.1') });

    // Assess
    await expect(internal).resolves.toHaveLength(5);
    await expect(loopback).rejects.toThrow(NonRetryableError);
  });

  it.each(['169.254.169.254', 'fd00:ec2::254', 'fe80::1', '169.254.1.1', '0.0.0.0', '224.0.0.1'])(
    'refuses %s even with every allowance',
    async (address) => {
      // Act
      const check = allowedAddressesOf(target, { allowLoopback: true, allowPrivate: true, lookup: resolvingTo(address) });

      // Assess
      await expect(check).rejects.toThrow(NonRetryableError);
    },
  );

  it.each([
    ['http://127.0.0.1:8080/hook', '127.0.0.1'],
    ['http://[::1]:8080/hook', '::1'],
    ['http://[::ffff:127.0.0.1]/hook', '::ffff:7f00:1'],
    ['http://2130706433/hook', '127.0.0.1'],
    ['http://0x7f.1/hook', '127.0.0.1'],
    ['http://[fe80::1]/hook', 'fe80::1'],
  ])('checks the literal address of %s without resolving it', async (url, address) => {
    // Prepare
    const lookup = resolvingTo('203.0.113.10');

    // Act
    const check = allowedAddressesOf(new URL(url), { lookup });

    // Assess
    await expect(check).rejects.toMatchObject({ category: 'non_retryable', context: { address } });
    expect(lookup).not.toHaveBeenCalled();
  });

  it.each(['ftp://hooks.example.com/in', 'file:///etc/passwd', 'data:text/plain,hi', 'ws://hooks.example.com/'])(
    'refuses the scheme of %s',
    async (url) => {
      // Prepare
      const lookup = resolvingTo('203.0.113.10');

      // Act
      const check = allowedAddressesOf(new URL(url), { lookup });

      // Assess
      await expect(check).rejects.toThrow(/only http and https are allowed/);
      await expect(check).rejects.toMatchObject({ category: 'non_retryable' });
      expect(lookup).not.toHaveBeenCalled();
    },
  );

  it('reports a host that cannot be resolved as a network failure', async () => {
    // Prepare
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND hooks.example.com'), { code: 'ENOTFOUND' });
    const lookup = vi.fn<TargetLookup>(async () => {
      throw notFound;
    });

    // Act
    const check = allowedAddressesOf(target, { lookup });

    // Assess
    await expect(check).rejects.toThrow(JobFailedError);
    await expect(check).rejects.toMatchObject({
      category: 'network',
      message: 'could not resolve delivery target hooks.example.com',
      cause: notFound,
    });
  });

  it('reports a host with no address as a network failure', async () => {
    // Act
    const check = allowedAddressesOf(target, { lookup: resolvingTo() });

    // Assess
    await expect(check).rejects.toMatchObject({ category: 'network' });
  });

  it('resolves with the system resolver by default', async () => {
    // Act
    const check = allowedAddressesOf(new URL('http://localhost:9/'));

    // Assess
    await expect(check).rejects.toMatchObject({ category: 'non_retryable', context: { addressClass: 'loopback' } });
  });
});

/** What a socket gets from a lookup: the callback's arguments, or its error. */
function askAsASocket(lookup: LookupFunction, options: LookupOptions): Promise<{ address: string | LookupAddress[]; family?: number }> {
  return new Promise((resolve, reject) => {
    lookup('hooks.example.com', options, (error, address, family) => {
      if (error) reject(error);
      else resolve({ address, family });
    });
  });
}

describe('guardedLookup', () => {
  it('hands a socket asking for every address only the checked ones', async () => {
    // Prepare
    const resolve = resolvingTo('203.0.113.10', '2001:db8::10');

    // Act
    const answer = await askAsASocket(guardedLookup(target, { lookup: resolve }), { all: true });

    // Assess
    expect(answer.address).toEqual([
      { address: '203.0.113.10', family: 4 },
      { address: '2001:db8::10', family: 6 },
    ]);
    expect(resolve).toHaveBeenCalledOnce();
  });

  it('hands a socket asking for one address the first of the family it wants', async () => {
    // Prepare
    const lookup = guardedLookup(target, { lookup: resolvingTo('203.0.113.10', '2001:db8::10') });

    // Act
    const either = await askAsASocket(lookup, {});
    const six = await askAsASocket(lookup, { family: 6 });

    // Assess
    expect(either).toEqual({ address: '203.0.113.10', family: 4 });
    expect(six).toEqual({ address: '2001:db8::10', family: 6 });
  });

  it('gives the socket the refusal instead of any address', async () => {
    // Act
    const answer = askAsASocket(guardedLookup(target, { lookup: resolvingTo('203.0.113.10', '169.254.169.254') }), { all: true });

    // Assess
    await expect(answer).rejects.toThrow(NonRetryableError);
    await expect(answer).rejects.toMatchObject({
      message: 'delivery target hooks.example.com resolves to 169.254.169.254, a metadata address; refused',
    });
  });

  it('checks the very answer the socket connects to, so a record that changes is caught (DNS rebinding)', async () => {
    // Prepare: the name answers a public address, then an internal one.
    const resolve = vi
      .fn<TargetLookup>()
      .mockResolvedValueOnce([{ address: '203.0.113.10', family: 4 }])
      .mockResolvedValueOnce([{ address: '10.0.0.7', family: 4 }]);
    const lookup = guardedLookup(target, { lookup: resolve });

    // Act: two connections, as a retry would open.
    const first = await askAsASocket(lookup, { all: true });
    const second = askAsASocket(lookup, { all: true });

    // Assess: one resolution per connection, and the internal answer never reaches a socket.
    expect(first.address).toEqual([{ address: '203.0.113.10', family: 4 }]);
    await expect(second).rejects.toMatchObject({ category: 'non_retryable', context: { address: '10.0.0.7', addressClass: 'private' } });
    expect(resolve).toHaveBeenCalledTimes(2);
  });

  it('reports a host without an address of the wanted family as a network failure', async () => {
    // Act
    const answer = askAsASocket(guardedLookup(target, { lookup: resolvingTo('203.0.113.10') }), { family: 6 });

    // Assess
    await expect(answer).rejects.toThrow(JobFailedError);
    await expect(answer).rejects.toMatchObject({ category: 'network', message: 'delivery target hooks.example.com resolved to no address' });
  });

  it('reports a resolver failure as a network failure', async () => {
    // Prepare
    const resolve = vi.fn<TargetLookup>(async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND hooks.example.com'), { code: 'ENOTFOUND' });
    });

    // Act
    const answer = askAsASocket(guardedLookup(target, { lookup: resolve }), { all: true });

    // Assess
    await expect(answer).rejects.toMatchObject({ category: 'network', message: 'could not resolve delivery target hooks.example.com' });
  });
});

describe('assertLiteralTargetAllowed', () => {
  it('checks an IP literal and lets a host name through to the connection', () => {
    // Act
    const literal = (): void => assertLiteralTargetAllowed(new URL('http://[fd00::1]:8080/hook'));
    const allowedLiteral = (): void => assertLiteralTargetAllowed(new URL('http://[fd00::1]:8080/hook'), { allowPrivate: true });
    const name = (): void => assertLiteralTargetAllowed(target);

    // Assess
    expect(literal).toThrow(NonRetryableError);
    expect(literal).toThrow('delivery target [fd00::1]:8080 resolves to fd00::1, a private address; refused');
    expect(allowedLiteral).not.toThrow();
    expect(name).not.toThrow();
  });

  it('refuses a scheme other than http(s)', () => {
    expect(() => assertLiteralTargetAllowed(new URL('ftp://hooks.example.com/in'))).toThrow(/only http and https are allowed/);
  });
});
