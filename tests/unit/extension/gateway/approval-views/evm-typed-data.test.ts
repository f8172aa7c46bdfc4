import { hashTypedData, maxUint160, maxUint256 } from 'viem';
import { describe, expect, it } from 'vitest';
import { formatDeadline } from '../../../../../extension/gateway/approval-views/evm-typed-data.js';
import { describeFields } from '../../../../../extension/gateway/describe.js';
import { typedDataDigest } from '../../../../../protocol/chains/evm/messages.js';
import { allText, challenge, find, warnings } from './helpers.js';

const WALLET = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const SPENDER = '0x3fC91A3afd70395Cd496C647d5a6CC9D4B2b7FAD';
const USDC_SEPOLIA = '0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238';
const PERMIT2 = '0x000000000022D473030F116dDEE9F6B43aC78BA3';
const base = { blockchain: 'ETH-SEPOLIA', fromAddress: WALLET, walletId: 'w1' };

const permit = (value: bigint, deadline: bigint) => ({
  types: {
    EIP712Domain: [
      { name: 'name', type: 'string' },
      { name: 'version', type: 'string' },
      { name: 'chainId', type: 'uint256' },
      { name: 'verifyingContract', type: 'address' },
    ],
    Permit: [
      { name: 'owner', type: 'address' },
      { name: 'spender', type: 'address' },
      { name: 'value', type: 'uint256' },
      { name: 'nonce', type: 'uint256' },
      { name: 'deadline', type: 'uint256' },
    ],
  },
  primaryType: 'Permit',
  domain: { name: 'USDC', version: '2', chainId: 11155111, verifyingContract: USDC_SEPOLIA },
  message: { owner: WALLET, spender: SPENDER, value: value.toString(), nonce: '0', deadline: deadline.toString() },
});

const sign = (typedData: unknown) =>
  describeFields(challenge('sign-typed-data', { ...base, typedData: JSON.stringify(typedData) }));

describe('EIP-712 typed data', () => {
  it('the fixture is what viem signs (same digest as the wallet computes)', () => {
    const td = permit(5_000_000n, 1_900_000_000n);
    expect(Buffer.from(typedDataDigest(td)).toString('hex')).toBe(hashTypedData(td as never).slice(2));
  });

  it('an EIP-2612 permit is summarised first: spender, token, amount in USDC, deadline as a date', () => {
    const fields = sign(permit(5_000_000n, 1_900_000_000n));
    expect(fields[0]).toMatchObject({ label: 'Token permission', tone: 'warning' });
    const summary = find(fields, 'Token permit (EIP-2612)');
    expect(summary.children?.map((c) => [c.label, c.value])).toEqual([
      ['Spender', SPENDER],
      ['Token', USDC_SEPOLIA],
      ['Amount', '5 USDC'],
      ['Valid until', '2030-03-17 17:46 UTC'],
    ]);
    expect(find(summary.children ?? [], 'Spender').tone).toBe('highlight');
  });

  it('an unlimited permit with no practical deadline is flagged on both', () => {
    const fields = sign(permit(maxUint256, maxUint256));
    const summary = find(fields, 'Token permit (EIP-2612)');
    expect(find(summary.children ?? [], 'Amount')).toMatchObject({ value: 'Unlimited', tone: 'warning' });
    expect(find(summary.children ?? [], 'Valid until')).toMatchObject({
      value: 'Never (no practical deadline)',
      tone: 'warning',
    });
    expect(find(fields, 'value (uint256)').value).toMatch(/^Unlimited/);
  });

  it('shows the domain with the chain named, and the message as a typed nested list', () => {
    const fields = sign(permit(1n, 1_900_000_000n));
    const domain = find(fields, 'Domain');
    expect(domain.children?.map((c) => c.label)).toEqual([
      'name (string)',
      'version (string)',
      'chainId (uint256)',
      'verifyingContract (address)',
    ]);
    expect(find(domain.children ?? [], 'chainId (uint256)')).toMatchObject({
      value: '11155111',
      hint: 'Ethereum Sepolia',
    });
    expect(find(fields, 'Message: Permit').children?.map((c) => c.label)).toEqual([
      'owner (address)',
      'spender (address)',
      'value (uint256)',
      'nonce (uint256)',
      'deadline (uint256)',
    ]);
  });

  it('nested structs and arrays (EIP-712 Mail example) render as nested fields', () => {
    const mail = {
      types: {
        Person: [
          { name: 'name', type: 'string' },
          { name: 'wallets', type: 'address[]' },
        ],
        Mail: [
          { name: 'from', type: 'Person' },
          { name: 'to', type: 'Person[]' },
          { name: 'contents', type: 'string' },
        ],
      },
      primaryType: 'Mail',
      domain: { name: 'Ether Mail', version: '1', chainId: 11155111 },
      message: {
        from: { name: 'Cow', wallets: [WALLET] },
        to: [{ name: 'Bob', wallets: [SPENDER, USDC_SEPOLIA] }],
        contents: 'Hello, Bob!',
      },
    };
    const fields = sign(mail);
    expect(find(fields, 'from (Person)').children?.map((c) => c.label)).toEqual([
      'name (string)',
      'wallets (address[])',
    ]);
    expect(find(fields, 'to (Person[])').value).toBe('1 item');
    expect(find(fields, '[0] (Person)').children?.[1]?.children?.map((c) => c.value)).toEqual([SPENDER, USDC_SEPOLIA]);
    expect(find(fields, 'contents (string)').value).toBe('"Hello, Bob!"');
    expect(warnings(fields)).toEqual([]);
  });

  it('Permit2 PermitSingle: token, uint160 max as unlimited, expiration', () => {
    const td = {
      types: {
        PermitDetails: [
          { name: 'token', type: 'address' },
          { name: 'amount', type: 'uint160' },
          { name: 'expiration', type: 'uint48' },
          { name: 'nonce', type: 'uint48' },
        ],
        PermitSingle: [
          { name: 'details', type: 'PermitDetails' },
          { name: 'spender', type: 'address' },
          { name: 'sigDeadline', type: 'uint256' },
        ],
      },
      primaryType: 'PermitSingle',
      domain: { name: 'Permit2', chainId: 11155111, verifyingContract: PERMIT2 },
      message: {
        details: { token: USDC_SEPOLIA, amount: maxUint160.toString(), expiration: '1900000000', nonce: '0' },
        spender: SPENDER,
        sigDeadline: '1900000000',
      },
    };
    const summary = find(sign(td), 'Permit2 allowance');
    expect(summary.children?.map((c) => [c.label, c.value])).toEqual([
      ['Spender', SPENDER],
      ['Token', USDC_SEPOLIA],
      ['Amount', 'Unlimited'],
      ['Allowance expires', '2030-03-17 17:46 UTC'],
    ]);
  });

  it('message values that are not declared (so not signed) are flagged', () => {
    const td = permit(1n, 1n);
    const fields = sign({ ...td, message: { ...td.message, note: 'refund' } });
    expect(find(fields, 'Not signed').value).toContain('note');
  });

  it('a domain for another chain than the wallet is flagged', () => {
    const td = permit(1n, 1n);
    const fields = sign({ ...td, domain: { ...td.domain, chainId: 1 } });
    expect(find(fields, 'Other chain').value).toContain('chain id 1.');
  });

  it('a domain without chain id is flagged (valid on every chain)', () => {
    const td = permit(1n, 1n);
    const { chainId: _drop, ...domain } = td.domain;
    const fields = sign({
      ...td,
      types: { ...td.types, EIP712Domain: td.types.EIP712Domain.filter((f) => f.name !== 'chainId') },
      domain,
    });
    expect(warnings(fields)).toContain('No chain id');
  });

  it('typed data the wallet cannot hash is flagged as malformed but still shown', () => {
    const td = permit(1n, 1n);
    const fields = sign({ ...td, message: { ...td.message, spender: 'nobody' } });
    expect(warnings(fields)).toContain('Malformed typed data');
    expect(allText(fields)).toContain('nobody');
  });

  it('typed data that is not JSON is shown raw', () => {
    const fields = describeFields(challenge('sign-typed-data', { ...base, typedData: '{"types": ' }));
    expect(warnings(fields)).toContain('Could not be decoded');
    expect(find(fields, 'Raw request').value).toContain('{\\"types\\": ');
  });

  it('formatDeadline: seconds to a UTC minute, far future as never, garbage as undefined', () => {
    expect(formatDeadline('0')).toBe('1970-01-01 00:00 UTC');
    expect(formatDeadline(2n ** 48n)).toBe('Never (no practical deadline)');
    expect(formatDeadline('soon')).toBeUndefined();
  });
});
