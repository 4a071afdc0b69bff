import type { LookupAddress } from 'node:dns';
import { describe, expect, it, vi } from 'vitest';
import { JobFailedError, NonRetryableError } from '../../../functions/core/errors';
import { assertTargetAllowed, type TargetLookup } from '../../../functions/processors/target-guard';

/** A resolver that answers every name with the given addresses. */
const resolvingTo = (...addresses: string[]) =>
  vi.fn<TargetLookup>(async () =>
    addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })),
  );

const target = new URL('https://hooks.example.com/in?token=s3cret');

describe('assertTargetAllowed', () => {
  it('lets a host with only public addresses through', async () => {
    // Prepare
    const lookup = resolvingTo('203.0.113.10', '2001:db8:85a3::8a2e:370:7334');

    // Act
    const check = assertTargetAllowed(target, { lookup });

    // Assess
    await expect(check).resolves.toBeUndefined();
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
    const check = assertTargetAllowed(target, { lookup: resolvingTo(address) });

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
    const check = assertTargetAllowed(target, { lookup: resolvingTo('10.0.0.1') });

    // Assess
    await expect(check).rejects.toSatisfy((error: Error) => !error.message.includes('s3cret') && !error.message.includes('/in'));
  });

  it('refuses a host when any one of its addresses is refused', async () => {
    // Act
    const check = assertTargetAllowed(target, { lookup: resolvingTo('203.0.113.10', '10.0.0.7') });

    // Assess
    await expect(check).rejects.toMatchObject({ context: { address: '10.0.0.7' } });
  });

  it('allows loopback when told to, and nothing more', async () => {
    // Act
    const loopback = assertTargetAllowed(target, { allowLoopback: true, lookup: resolvingTo('127.0.0.1', '::1') });
    const privateAddress = assertTargetAllowed(target, { allowLoopback: true, lookup: resolvingTo('10.0.0.1') });

    // Assess
    await expect(loopback).resolves.toBeUndefined();
    await expect(privateAddress).rejects.toThrow(NonRetryableError);
  });

  it('allows private and CGNAT addresses when told to, and not loopback', async () => {
    // Act
    const internal = assertTargetAllowed(target, {
      allowPrivate: true,
      lookup: resolvingTo('10.0.0.1', '172.16.0.1', '192.168.0.1', 'fd00::1', '100.64.0.1'),
    });
    const loopback = assertTargetAllowed(target, { allowPrivate: true, lookup: resolvingTo('127.0.0.1') });

    // Assess
    await expect(internal).resolves.toBeUndefined();
    await expect(loopback).rejects.toThrow(NonRetryableError);
  });

  it.each(['169.254.169.254', 'fd00:ec2::254', 'fe80::1', '169.254.1.1', '0.0.0.0', '224.0.0.1'])(
    'refuses %s even with every allowance',
    async (address) => {
      // Act
      const check = assertTargetAllowed(target, { allowLoopback: true, allowPrivate: true, lookup: resolvingTo(address) });

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
    const check = assertTargetAllowed(new URL(url), { lookup });

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
      const check = assertTargetAllowed(new URL(url), { lookup });

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
    const check = assertTargetAllowed(target, { lookup });

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
    const check = assertTargetAllowed(target, { lookup: resolvingTo() });

    // Assess
    await expect(check).rejects.toMatchObject({ category: 'network' });
  });

  it('resolves with the system resolver by default', async () => {
    // Act
    const check = assertTargetAllowed(new URL('http://localhost:9/'));

    // Assess
    await expect(check).rejects.toMatchObject({ category: 'non_retryable', context: { addressClass: 'loopback' } });
  });
});
