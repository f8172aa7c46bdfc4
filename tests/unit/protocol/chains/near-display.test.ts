import { concatBytes } from '@noble/hashes/utils.js';
import { base58, base64 } from '@scure/base';
import { describe, expect, it } from 'vitest';
import { borshString, borshVec, u8, u32le, u64le, u128le } from '../../../../protocol/chains/near/borsh.js';
import {
  decodeNearDelegateActionForDisplay,
  decodeNearTransactionForDisplay,
} from '../../../../protocol/chains/near/display.js';
import {
  buildNearTokenTransfer,
  serializeNearDelegateAction,
  serializeNearTransaction,
} from '../../../../protocol/chains/near/transaction.js';

const KEY = new Uint8Array(32).fill(3);
const PK = `ed25519:${base58.encode(KEY)}`;
const BLOCK = base58.encode(new Uint8Array(32).fill(1));
const header = (receiver: string) =>
  concatBytes(borshString('alice.near'), u8(0), KEY, u64le(5n), borshString(receiver), base58.decode(BLOCK));

describe('decodeNearTransactionForDisplay', () => {
  it('reads what serializeNearTransaction writes', () => {
    const tx = buildNearTokenTransfer({
      signerId: 'alice.near',
      publicKey: PK,
      nonce: '5',
      blockHash: BLOCK,
      account: 0,
      token: 'usdc.near',
      to: 'bob.near',
      amount: '7',
    });
    const { value, problem } = decodeNearTransactionForDisplay(serializeNearTransaction(tx));
    expect(problem).toBeUndefined();
    expect(value).toEqual({
      signerId: 'alice.near',
      publicKey: PK,
      nonce: '5',
      receiverId: 'usdc.near',
      blockHash: BLOCK,
      actions: tx.actions,
    });
  });

  it('reads every action kind', () => {
    const actions = [
      u8(0),
      concatBytes(u8(1), u32le(3), Uint8Array.of(1, 2, 3)),
      concatBytes(u8(4), u128le(10n), u8(0), KEY),
      concatBytes(u8(5), u8(0), KEY, u64le(0n), u8(1)),
      concatBytes(
        u8(5),
        u8(1),
        new Uint8Array(64).fill(2),
        u64le(0n),
        u8(0),
        u8(0),
        borshString('c.near'),
        borshVec([]),
      ),
      concatBytes(u8(6), u8(0), KEY),
      concatBytes(u8(7), borshString('bob.near')),
      concatBytes(u8(9), u32le(1), Uint8Array.of(0), u8(1)),
      concatBytes(u8(10), u8(1), borshString('lib.near')),
    ];
    const { value, problem } = decodeNearTransactionForDisplay(concatBytes(header('alice.near'), borshVec(actions)));
    expect(problem).toBeUndefined();
    expect(value.actions.map((a) => a.type)).toEqual([
      'CreateAccount',
      'DeployContract',
      'Stake',
      'AddKey',
      'AddKey',
      'DeleteKey',
      'DeleteAccount',
      'DeployGlobalContract',
      'UseGlobalContract',
    ]);
    expect(value.actions[1]).toMatchObject({
      codeBytes: 3,
      codeSha256: '039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81',
    });
    expect(value.actions[3]).toMatchObject({ permission: { kind: 'FullAccess' } });
    expect(value.actions[4]).toMatchObject({
      publicKey: expect.stringMatching(/^secp256k1:/),
      permission: { kind: 'FunctionCall', allowance: null, receiverId: 'c.near', methodNames: [] },
    });
  });

  it('reads a nested signed delegate action', () => {
    const inner = serializeNearDelegateAction({
      senderId: 'alice.near',
      receiverId: 'bob.near',
      actions: [{ type: 'Transfer', deposit: '1' }],
      nonce: '1',
      maxBlockHeight: '9',
      publicKey: PK,
    });
    const action = concatBytes(u8(8), inner, u8(0), new Uint8Array(64));
    const { value, problem } = decodeNearTransactionForDisplay(concatBytes(header('relayer.near'), borshVec([action])));
    expect(problem).toBeUndefined();
    expect(value.actions[0]).toMatchObject({
      type: 'Delegate',
      delegate: { receiverId: 'bob.near', maxBlockHeight: '9' },
    });
  });

  it('stops at an unknown action tag, keeping the actions before it', () => {
    const { value, problem } = decodeNearTransactionForDisplay(
      concatBytes(header('x.near'), borshVec([u8(0), u8(77)])),
    );
    expect(value.actions).toEqual([{ type: 'CreateAccount' }]);
    expect(problem).toContain('unknown action tag 77');
  });

  it('stops at an unknown key type', () => {
    const bytes = concatBytes(borshString('alice.near'), u8(9));
    expect(decodeNearTransactionForDisplay(bytes).problem).toContain('unknown key type 9');
  });

  it('stops at a string longer than the data', () => {
    expect(decodeNearTransactionForDisplay(u32le(1000)).problem).toContain('does not fit');
  });

  it('stops at a string that is not UTF-8', () => {
    expect(decodeNearTransactionForDisplay(concatBytes(u32le(1), Uint8Array.of(0xff))).problem).toBeDefined();
  });

  it('says how many bytes follow the end', () => {
    const bytes = concatBytes(header('x.near'), borshVec([u8(0)]), Uint8Array.of(1, 2));
    expect(decodeNearTransactionForDisplay(bytes).problem).toBe('2 unread bytes after the end');
  });

  it('refuses absurd action counts', () => {
    expect(decodeNearTransactionForDisplay(concatBytes(header('x.near'), u32le(1_000_000))).problem).toContain(
      '1000000 actions',
    );
  });

  it('refuses a delegate action inside a delegate action', () => {
    const nested = concatBytes(borshString('a.near'), borshString('b.near'), borshVec([concatBytes(u8(8))]));
    expect(decodeNearDelegateActionForDisplay(nested).problem).toContain('a delegate action inside a delegate action');
  });
});

describe('decodeNearDelegateActionForDisplay', () => {
  it('reads what serializeNearDelegateAction writes', () => {
    const d = {
      senderId: 'alice.near',
      receiverId: 'game.near',
      actions: [
        {
          type: 'FunctionCall' as const,
          methodName: 'go',
          args: base64.encode(new Uint8Array([123, 125])),
          gas: '1',
          deposit: '0',
        },
      ],
      nonce: '3',
      maxBlockHeight: '99',
      publicKey: PK,
    };
    expect(decodeNearDelegateActionForDisplay(serializeNearDelegateAction(d))).toEqual({ value: d });
  });
});
