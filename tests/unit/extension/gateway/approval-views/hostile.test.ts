import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_VALUE_CHARS } from '../../../../../extension/gateway/approval-views/common.js';
import { describeFields } from '../../../../../extension/gateway/describe.js';
import { allText, challenge, find, labels, walk, warnings } from './helpers.js';

const KINDS = [
  'transfer',
  'contract-execution',
  'sign-message',
  'sign-typed-data',
  'sign-transaction',
  'sign-delegate-action',
  'wallet-create',
];
const CHAINS = ['ETH', 'BTC', 'SOL', 'NEAR', 'MADE-UP', undefined];

describe('hostile payloads never throw and are never hidden', () => {
  it('random payloads of every kind and chain give fields, ending with who asks and until when', () => {
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.oneof(fc.string(), fc.integer())),
      fc.dictionary(fc.string(), fc.string()),
      fc.base64String(),
      fc.stringMatching(/^0x[0-9a-f]{0,200}$/),
    );
    const keys = fc.constantFrom(
      'destinationAddress',
      'amounts',
      'tokenId',
      'tokenAddress',
      'contractAddress',
      'abiFunctionSignature',
      'abiParameters',
      'amount',
      'message',
      'encodedByHex',
      'typedData',
      'rawTransaction',
      'transaction',
      'unsignedDelegateAction',
      'fromAddress',
      'blockchains',
      'memo',
      'refId',
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...KINDS),
        fc.constantFrom(...CHAINS),
        fc.dictionary(keys, value),
        fc.option(fc.dictionary(fc.constantFrom('unsignedTransaction', 'message'), value), { nil: undefined }),
        (kind, blockchain, payload, signable) => {
          const fields = describeFields(challenge(kind, { ...payload, blockchain }), signable);
          expect(labels(fields).slice(-2)).toEqual(['Requested by', 'Valid until']);
          for (const { field } of walk(fields)) {
            expect(typeof field.value).toBe('string');
            expect(field.value.length).toBeLessThanOrEqual(MAX_VALUE_CHARS + 1);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a relay transaction of the right family but random fields never throws', () => {
    const junk = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.constant(null),
      fc.array(fc.anything(), { maxLength: 3 }),
      fc.object(),
    );
    const txKeys = [
      'to',
      'from',
      'value',
      'data',
      'chainId',
      'gasLimit',
      'maxFeePerGas',
      'maxPriorityFeePerGas',
      'nonce',
      'outputs',
      'inputs',
      'fee',
      'feeRate',
      'network',
      'addressType',
      'feePayer',
      'instructions',
      'receiverId',
      'signerId',
      'actions',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom('ETH', 'BTC', 'SOL', 'NEAR'),
        fc.dictionary(fc.constantFrom(...txKeys), junk),
        (blockchain, tx) => {
          const family = { ETH: 'evm', BTC: 'bitcoin', SOL: 'solana', NEAR: 'near' }[blockchain];
          const fields = describeFields(
            challenge('transfer', { blockchain, fromAddress: 'w', destinationAddress: 'd', amounts: ['1'] }),
            { unsignedTransaction: { ...tx, family } },
          );
          expect(labels(fields).slice(-2)).toEqual(['Requested by', 'Valid until']);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('an unknown network is named with a warning, and its payload is shown raw', () => {
    const fields = describeFields(
      challenge('transfer', { blockchain: 'DOGE', destinationAddress: 'D8x', amounts: ['5'] }),
    );
    expect(find(fields, 'Could not be decoded').value).toContain('does not know the network "DOGE"');
    expect(find(fields, 'Raw request').value).toContain('D8x');
  });

  it('a pruned payload of a signing kind warns not to approve', () => {
    expect(warnings(describeFields(challenge('transfer', null)))).toEqual(['Details missing']);
  });

  it('a pruned payload of a setup kind shows only who asks and until when', () => {
    expect(labels(describeFields(challenge('initialize', null)))).toEqual(['Requested by', 'Valid until']);
  });

  it('bidi overrides and zero-width characters in a recipient are exposed, with a warning tone', () => {
    const fields = describeFields(
      challenge('transfer', {
        blockchain: 'NEAR',
        destinationAddress: 'bob\u202E.near\u200B',
        amounts: ['1'],
      }),
    );
    const to = find(fields, 'To');
    expect(to.value).toBe('bob\\u{202e}.near\\u{200b}');
    expect(to.tone).toBe('warning');
    expect(to.hint).toContain('invisible or direction-changing');
  });

  it('a huge calldata is cut to the display limit and its length is said', () => {
    const data = `0x12345678${'00'.repeat(50_000)}`;
    const raw = {
      to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      data,
      nonce: 0,
      gas: 1_000_000,
      maxFeePerGas: '2',
      maxPriorityFeePerGas: '1',
      chainId: 1,
    };
    const fields = describeFields(
      challenge('sign-transaction', { blockchain: 'ETH', transaction: JSON.stringify(raw) }),
    );
    const callData = find(fields, 'Call data');
    expect(callData.value.length).toBe(MAX_VALUE_CHARS + 1);
    expect(callData.hint).toContain('50004 bytes');
    expect(callData.hint).toContain(`Only the first ${MAX_VALUE_CHARS} of ${data.length} characters are shown.`);
  });

  it('a relay "transaction" of the wrong family is flagged, not laid out as the wallet chain', () => {
    const fields = describeFields(
      challenge('transfer', {
        blockchain: 'ETH',
        destinationAddress: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
        amounts: ['1'],
      }),
      { unsignedTransaction: { family: 'near', receiverId: 'x.near', actions: [] } },
    );
    expect(warnings(fields)[0]).toBe('Wrong chain');
  });

  it('a relay EVM transaction with garbage fields is shown with warnings rather than throwing', () => {
    const fields = describeFields(
      challenge('transfer', {
        blockchain: 'ETH',
        fromAddress: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
        destinationAddress: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
        amounts: ['1'],
      }),
      {
        unsignedTransaction: {
          family: 'evm',
          chainId: 'one',
          to: 5,
          value: 'lots',
          data: 'zz',
          gasLimit: {},
          maxFeePerGas: [],
        },
      },
    );
    expect(warnings(fields)).toContain('Does not match the request');
    expect(allText(fields)).toContain('zz');
  });

  it('a Solana raw transaction that is not one is shown raw with the reason', () => {
    const fields = describeFields(challenge('sign-transaction', { blockchain: 'SOL', rawTransaction: 'AAAA' }));
    expect(find(fields, 'Could not be decoded').value).toContain('not a Solana transaction');
  });

  it('an EVM raw transaction of a type the wallet does not sign is shown raw with the reason', () => {
    const fields = describeFields(challenge('sign-transaction', { blockchain: 'ETH', rawTransaction: '0x01c0' }));
    expect(find(fields, 'Could not be decoded').value).toContain('EIP-1559');
  });

  it('contract calls on Solana (not offered) are shown raw', () => {
    const fields = describeFields(challenge('contract-execution', { blockchain: 'SOL', contractAddress: 'x' }));
    expect(find(fields, 'Could not be decoded').value).toContain('not offered on Solana');
  });
});
