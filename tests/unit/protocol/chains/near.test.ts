import { KeyPair } from '@near-js/crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { base58, base64 } from '@scure/base';
import { type Schema, serialize } from 'borsh';
import { describe, expect, it } from 'vitest';
import {
  assembleNearSignedDelegateAction,
  assembleNearTransaction,
  buildNearTokenTransfer,
  buildNearTransfer,
  nearDelegateActionSigningRequest,
  nearImplicitAccountId,
  nearPublicKeyString,
  nearSigningRequest,
  nep413SigningMessage,
  parseNearAccountId,
  serializeNearDelegateAction,
  serializeNearTransaction,
} from '../../../../protocol/chains/near/index.js';

// near-api-js "serialize transfer tx" vector (test/unit/transactions/serialize.test.ts).
const VECTOR_HEX =
  '09000000746573742e6e65617200917b3d268d4b58f7fec1b150bd68d69be3ee5d4cc39855e341538465bb77860d01000000000000000d00000077686174657665722e6e6561720fa473fd26901df296be6adc4cc4df34d040efa2435224b6986910e630c2fef6010000000301000000000000000000000000000000';
const BLOCK_HASH = '244ZQ9cgj3CQ6bWBdytfrJMuMQ1jdXLFGnr4HhvtCTnM';

const seed = new Uint8Array(32).fill(7);
const pub = ed25519.getPublicKey(seed);
const implicit = nearImplicitAccountId(pub);

// An independent borsh schema of nearcore's Transaction, encoded by the `borsh` package.
const PublicKeySchema: Schema = { struct: { keyType: 'u8', data: { array: { type: 'u8', len: 32 } } } };
const ActionSchema: Schema = {
  enum: [
    { struct: { createAccount: { struct: {} } } },
    { struct: { deployContract: { struct: { code: { array: { type: 'u8' } } } } } },
    {
      struct: {
        functionCall: {
          struct: { methodName: 'string', args: { array: { type: 'u8' } }, gas: 'u64', deposit: 'u128' },
        },
      },
    },
    { struct: { transfer: { struct: { deposit: 'u128' } } } },
  ],
};
const TransactionSchema: Schema = {
  struct: {
    signerId: 'string',
    publicKey: PublicKeySchema,
    nonce: 'u64',
    receiverId: 'string',
    blockHash: { array: { type: 'u8', len: 32 } },
    actions: { array: { type: ActionSchema } },
  },
};

describe('NEAR accounts', () => {
  it('implicit account id is the hex public key, matching @near-js/crypto', () => {
    const kp = KeyPair.fromString(`ed25519:${base58.encode(new Uint8Array([...seed, ...pub]))}` as `ed25519:${string}`);
    expect(implicit).toBe(bytesToHex(kp.getPublicKey().data));
    expect(nearPublicKeyString(pub)).toBe(kp.getPublicKey().toString());
  });
  it('refuses an account id with upper-case letters', () => {
    expect(() => parseNearAccountId('Alice.near')).toThrow(/NEAR account id/);
  });
  it('refuses an account id longer than 64 characters', () => {
    expect(() => parseNearAccountId('a'.repeat(65))).toThrow(/NEAR account id/);
  });
});

describe('NEAR transactions', () => {
  it('matches the near-api-js transfer vector byte for byte', () => {
    const tx = buildNearTransfer({
      signerId: 'test.near',
      publicKey: 'ed25519:Anu7LYDfpLtkP7E16LT9imXF694BdQaa9ufVkQiwTQxC',
      nonce: '1',
      blockHash: BLOCK_HASH,
      account: 0,
      to: 'whatever.near',
      yocto: '1',
    });
    expect(bytesToHex(serializeNearTransaction(tx))).toBe(VECTOR_HEX);
  });

  it('NEP-141 ft_transfer matches the borsh package with an independent schema', () => {
    const tx = buildNearTokenTransfer({
      signerId: implicit,
      publicKey: nearPublicKeyString(pub),
      nonce: '99',
      blockHash: BLOCK_HASH,
      account: 0,
      token: 'usdc.fakes.testnet',
      to: 'bob.testnet',
      amount: '1500000',
    });
    const action = tx.actions[0]!;
    if (action.type !== 'FunctionCall') throw new Error('type');
    expect(JSON.parse(new TextDecoder().decode(base64.decode(action.args)))).toEqual({
      receiver_id: 'bob.testnet',
      amount: '1500000',
    });
    expect(action.deposit).toBe('1');
    const expected = serialize(TransactionSchema, {
      signerId: implicit,
      publicKey: { keyType: 0, data: Array.from(pub) },
      nonce: 99n,
      receiverId: 'usdc.fakes.testnet',
      blockHash: Array.from(base58.decode(BLOCK_HASH)),
      actions: [
        {
          functionCall: {
            methodName: 'ft_transfer',
            args: Array.from(base64.decode(action.args)),
            gas: 30000000000000n,
            deposit: 1n,
          },
        },
      ],
    });
    expect(bytesToHex(serializeNearTransaction(tx))).toBe(bytesToHex(expected));
  });

  it('signs SHA-256 of borsh and assembles a SignedTransaction whose hash is that digest', () => {
    const tx = buildNearTransfer({
      signerId: implicit,
      publicKey: nearPublicKeyString(pub),
      nonce: '5',
      blockHash: BLOCK_HASH,
      account: 0,
      to: 'bob.testnet',
      yocto: '10',
    });
    const request = nearSigningRequest(tx);
    if (request.scheme !== 'ed25519') throw new Error('scheme');
    expect(request.derivationPath).toBe("m/44'/397'/0'");
    expect(bytesToHex(request.message)).toBe(bytesToHex(sha256(serializeNearTransaction(tx))));
    const kp = KeyPair.fromString(`ed25519:${base58.encode(new Uint8Array([...seed, ...pub]))}` as `ed25519:${string}`);
    const signature = bytesToHex(kp.sign(request.message).signature);
    const signed = assembleNearTransaction(tx, { scheme: 'ed25519', signature });
    const raw = base64.decode(signed.raw);
    const body = serializeNearTransaction(tx);
    expect(bytesToHex(raw.subarray(0, body.length))).toBe(bytesToHex(body));
    expect(raw[body.length]).toBe(0);
    expect(raw.length).toBe(body.length + 65);
    expect(signed.hash).toBe(base58.encode(request.message));
  });

  it('refuses a signature by another key', () => {
    const tx = buildNearTransfer({
      signerId: implicit,
      publicKey: nearPublicKeyString(pub),
      nonce: '5',
      blockHash: BLOCK_HASH,
      account: 0,
      to: 'bob.testnet',
      yocto: '10',
    });
    const wrong = bytesToHex(
      ed25519.sign(
        nearSigningRequest(tx).scheme === 'ed25519' ? sha256(serializeNearTransaction(tx)) : new Uint8Array(),
        new Uint8Array(32).fill(1),
      ),
    );
    expect(() => assembleNearTransaction(tx, { scheme: 'ed25519', signature: wrong })).toThrow(/does not verify/);
  });

  it('refuses a deposit above u128', () => {
    expect(() =>
      buildNearTransfer({
        signerId: implicit,
        publicKey: nearPublicKeyString(pub),
        nonce: '5',
        blockHash: BLOCK_HASH,
        account: 0,
        to: 'bob.testnet',
        yocto: (1n << 128n).toString(),
      }),
    ).toThrow(/deposit/);
  });

  it('refuses a malformed block hash', () => {
    expect(() =>
      buildNearTransfer({
        signerId: implicit,
        publicKey: nearPublicKeyString(pub),
        nonce: '5',
        blockHash: 'abc',
        account: 0,
        to: 'bob.testnet',
        yocto: '1',
      }),
    ).toThrow(/blockHash/);
  });

  it('refuses a public key without the ed25519: prefix', () => {
    expect(() =>
      buildNearTransfer({
        signerId: implicit,
        publicKey: base58.encode(pub),
        nonce: '5',
        blockHash: BLOCK_HASH,
        account: 0,
        to: 'bob.testnet',
        yocto: '1',
      }),
    ).toThrow(/ed25519:/);
  });
});

describe('NEAR delegate actions (NEP-366)', () => {
  const delegate = {
    senderId: implicit,
    receiverId: 'wrap.testnet',
    actions: [{ type: 'Transfer' as const, deposit: '1' }],
    nonce: '12',
    maxBlockHeight: '1000',
    publicKey: nearPublicKeyString(pub),
  };
  it('signs SHA-256 of the NEP-461 prefix (2^30 + 366, u32 LE) and the borsh DelegateAction', () => {
    const request = nearDelegateActionSigningRequest(delegate, 0);
    if (request.scheme !== 'ed25519') throw new Error('scheme');
    const prefix = new Uint8Array(4);
    new DataView(prefix.buffer).setUint32(0, 1073742190, true);
    expect(bytesToHex(request.message)).toBe(
      bytesToHex(sha256(new Uint8Array([...prefix, ...serializeNearDelegateAction(delegate)]))),
    );
    const signed = assembleNearSignedDelegateAction(delegate, {
      scheme: 'ed25519',
      signature: bytesToHex(ed25519.sign(request.message, seed)),
    });
    expect(base64.decode(signed).length).toBe(serializeNearDelegateAction(delegate).length + 65);
  });
  it('refuses a delegate action without actions', () => {
    expect(() => serializeNearDelegateAction({ ...delegate, actions: [] })).toThrow(/1 to 16 actions/);
  });
});

describe('NEP-413 off-chain messages', () => {
  const Nep413Schema: Schema = {
    struct: {
      tag: 'u32',
      message: 'string',
      nonce: { array: { type: 'u8', len: 32 } },
      recipient: 'string',
      callbackUrl: { option: 'string' },
    },
  };
  const nonce = 'ab'.repeat(32);
  it('hashes borsh(tag 2^31+413, payload) as the borsh package encodes it, with and without callbackUrl', () => {
    for (const callbackUrl of [undefined, 'https://app.example/cb']) {
      const expected = sha256(
        serialize(Nep413Schema, {
          tag: 2 ** 31 + 413,
          message: 'Sign in',
          nonce: Array(32).fill(0xab),
          recipient: 'app.near',
          callbackUrl: callbackUrl ?? null,
        }),
      );
      const ours = nep413SigningMessage({
        message: 'Sign in',
        nonce,
        recipient: 'app.near',
        ...(callbackUrl ? { callbackUrl } : {}),
      });
      expect(bytesToHex(ours)).toBe(bytesToHex(expected));
    }
  });
  it('refuses a nonce that is not 32 bytes', () => {
    expect(() => nep413SigningMessage({ message: 'x', nonce: 'ab', recipient: 'app.near' })).toThrow(/nonce/);
  });
});
