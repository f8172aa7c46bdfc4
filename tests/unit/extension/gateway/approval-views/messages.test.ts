import { Keypair, SystemProgram, Transaction } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { describeFields } from '../../../../../extension/gateway/describe.js';
import { challenge, find, labels, warnings } from './helpers.js';

const evm = { blockchain: 'ETH', fromAddress: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', walletId: 'w1' };
const sign = (payload: Record<string, unknown>) => describeFields(challenge('sign-message', payload));

describe('sign/message', () => {
  it('EVM text: shown as text with its byte count, the scheme, the note and who signs', () => {
    const fields = sign({ ...evm, message: 'Log in to Acme\nNonce: 42', memo: 'login' });
    expect(labels(fields)).toEqual([
      'Message',
      'Signature type',
      'Note',
      'Network',
      'Signed by',
      'Requested by',
      'Valid until',
    ]);
    expect(find(fields, 'Message')).toMatchObject({ value: 'Log in to Acme\nNonce: 42', hint: '24 bytes of text' });
    expect(find(fields, 'Signature type').value).toBe('Ethereum signed message (EIP-191 personal_sign)');
    expect(find(fields, 'Note').hint).toBe('From Acme Shop; not part of what you sign');
  });

  it('EVM hex that spells printable UTF-8 is shown as that text', () => {
    const fields = sign({ ...evm, message: '0x48656c6c6f', encodedByHex: true });
    expect(find(fields, 'Message').value).toBe('Hello');
  });

  it('EVM 0x-message without encodedByHex is signed as bytes (personal_sign), and says so', () => {
    const fields = sign({ ...evm, message: '0x48656c6c6f' });
    expect(find(fields, 'Message').value).toBe('Hello');
    expect(find(fields, 'Encoding').value).toBe('Hex bytes');
  });

  it('binary bytes are shown as hex with a warning; 32 bytes look like a hash', () => {
    const hash = `0x${'ab'.repeat(32)}`;
    const fields = sign({ ...evm, message: hash, encodedByHex: true });
    expect(find(fields, 'Message (hex)')).toMatchObject({ value: hash, style: 'mono', hint: '32 bytes' });
    expect(warnings(fields)).toEqual(['Not readable text', 'Looks like a hash']);
  });

  it('text with a right-to-left override is not shown as text: hex, with a warning', () => {
    const fields = sign({ ...evm, message: 'pay \u202Eevil' });
    expect(find(fields, 'Message (hex)').value).toBe('0x70617920e280ae6576696c');
    expect(warnings(fields)).toContain('Not readable text');
  });

  it('a hex flag on text that is not hex is refused and shown raw', () => {
    const fields = sign({ ...evm, message: 'zz', encodedByHex: true });
    expect(find(fields, 'Could not be decoded').value).toContain('marked as hex but is not hex');
  });

  it('Bitcoin: BIP-137, a 0x-message is text (no EVM convention)', () => {
    const fields = sign({ blockchain: 'BTC', fromAddress: 'bc1qexample', message: '0x41' });
    expect(find(fields, 'Message').value).toBe('0x41');
    expect(find(fields, 'Signature type').value).toBe('Bitcoin signed message (BIP-137)');
  });

  it('Solana: a message that is a transaction is flagged', () => {
    const payer = Keypair.fromSeed(new Uint8Array(32).fill(1)).publicKey;
    const bytes = new Transaction({ feePayer: payer, recentBlockhash: payer.toBase58() })
      .add(SystemProgram.transfer({ fromPubkey: payer, toPubkey: payer, lamports: 1 }))
      .compileMessage()
      .serialize();
    const fields = sign({ blockchain: 'SOL', message: `0x${bytes.toString('hex')}`, encodedByHex: true });
    expect(warnings(fields)).toContain('Looks like a transaction');
  });

  it('NEAR: a 32-byte message is flagged as a possible transaction hash', () => {
    const fields = sign({ blockchain: 'NEAR', message: '0x'.padEnd(66, '1'), encodedByHex: true });
    expect(warnings(fields)).toContain('Looks like a hash');
  });
});
