import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { base64 } from '@scure/base';
import {
  Keypair,
  PublicKey,
  SystemProgram,
  Transaction,
  TransactionMessage,
  VersionedTransaction,
} from '@solana/web3.js';
import { keccak256, serializeTransaction } from 'viem';
import { describe, expect, it } from 'vitest';
import { describeTransaction } from '../../../../protocol/chains/describe.js';
import {
  buildNearTransfer,
  serializeNearDelegateAction,
  serializeNearTransaction,
} from '../../../../protocol/chains/near/transaction.js';
import {
  assembleRawSolanaTransaction,
  parseEvmTransactionJson,
  parseRawEvmTransaction,
  parseRawNearDelegateAction,
  parseRawNearTransaction,
  rawSolanaSigningRequest,
  solanaMessageForDisplay,
  solanaMessageFromRaw,
} from '../../../../protocol/chains/raw.js';
import { signingRequestsFor } from '../../../../protocol/chains/unsigned.js';

const WALLET = { address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', derivationPath: 'm/0/0' };
const TO = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' as const;
const viemTx = {
  type: 'eip1559' as const,
  chainId: 1,
  nonce: 3,
  gas: 50000n,
  maxFeePerGas: 10n ** 10n,
  maxPriorityFeePerGas: 10n ** 9n,
  to: TO,
  value: 7n,
  data: '0xdeadbeef' as const,
};

describe('raw EVM transactions', () => {
  it('parses viem-serialised EIP-1559 bytes and signs keccak256 of exactly those bytes', () => {
    const raw = serializeTransaction(viemTx);
    const tx = parseRawEvmTransaction(raw, WALLET);
    expect(tx).toMatchObject({ chainId: 1, nonce: 3, to: TO, value: '7', data: '0xdeadbeef', gasLimit: '50000' });
    const [request] = signingRequestsFor(tx);
    expect(`0x${bytesToHex((request as { digest: Uint8Array }).digest)}`).toBe(keccak256(raw));
  });
  it('parses the JSON form to the same transaction', () => {
    const tx = parseEvmTransactionJson(
      {
        to: TO,
        value: '7',
        data: '0xdeadbeef',
        nonce: 3,
        gas: '0xc350',
        maxFeePerGas: '10000000000',
        maxPriorityFeePerGas: 1000000000,
        chainId: 1,
      },
      WALLET,
    );
    expect(tx).toEqual(parseRawEvmTransaction(serializeTransaction(viemTx), WALLET));
  });
  it('refuses a legacy transaction', () => {
    expect(() =>
      parseRawEvmTransaction(
        serializeTransaction({ chainId: 1, nonce: 0, gas: 21000n, gasPrice: 1n, to: TO, value: 1n }),
        WALLET,
      ),
    ).toThrow(/EIP-1559/);
  });
  it('refuses an already signed transaction', () => {
    const signed = serializeTransaction(viemTx, { r: `0x${'11'.repeat(32)}`, s: `0x${'22'.repeat(32)}`, yParity: 0 });
    expect(() => parseRawEvmTransaction(signed, WALLET)).toThrow(/already signed/);
  });
  it('refuses a non-empty access list', () => {
    const raw = serializeTransaction({ ...viemTx, accessList: [{ address: TO, storageKeys: [] }] });
    expect(() => parseRawEvmTransaction(raw, WALLET)).toThrow(/access list/);
  });
  it('refuses JSON with another from address', () => {
    expect(() =>
      parseEvmTransactionJson(
        { from: TO, to: TO, nonce: 0, gas: 21000, maxFeePerGas: 1, maxPriorityFeePerGas: 1, chainId: 1 },
        WALLET,
      ),
    ).toThrow(/transaction.from/);
  });
  it('refuses JSON with an unknown field', () => {
    expect(() => parseEvmTransactionJson({ to: TO, nonce: 0, gas: 21000, gasPrice: 1, chainId: 1 }, WALLET)).toThrow(
      /transaction.gasPrice/,
    );
  });
});

describe('raw Solana transactions', () => {
  const seed = new Uint8Array(32).fill(8);
  const kp = Keypair.fromSeed(seed);
  const to = Keypair.fromSeed(new Uint8Array(32).fill(9)).publicKey;
  const blockhash = 'EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k';
  const legacy = new Transaction({ feePayer: kp.publicKey, blockhash, lastValidBlockHeight: 1 }).add(
    SystemProgram.transfer({ fromPubkey: kp.publicKey, toPubkey: to, lamports: 12345 }),
  );

  it('takes an unsigned wire transaction, keeps the dApp message bytes, and the signed result verifies in web3.js', () => {
    const wire = legacy.serialize({ requireAllSignatures: false, verifySignatures: false });
    const message = solanaMessageFromRaw(wire.toString('base64'));
    expect(bytesToHex(message)).toBe(bytesToHex(legacy.serializeMessage()));
    const request = rawSolanaSigningRequest(message, { address: kp.publicKey.toBase58(), account: 0 });
    const signature = bytesToHex(ed25519.sign((request as { message: Uint8Array }).message, seed));
    const signed = assembleRawSolanaTransaction(message, kp.publicKey.toBase58(), { scheme: 'ed25519', signature });
    expect(Transaction.from(base64.decode(signed.raw)).verifySignatures()).toBe(true);
    const d = describeTransaction(solanaMessageForDisplay(message, 0), { native: { symbol: 'SOL', decimals: 9 } });
    expect(d).toMatchObject({ kind: 'native-transfer', to: to.toBase58(), amount: { raw: '12345' } });
  });

  it('takes a bare v0 message', () => {
    const v0 = new TransactionMessage({
      payerKey: kp.publicKey,
      recentBlockhash: blockhash,
      instructions: legacy.instructions,
    }).compileToV0Message();
    const message = solanaMessageFromRaw(base64.encode(v0.serialize()));
    expect(bytesToHex(message)).toBe(bytesToHex(v0.serialize()));
    const vt = new VersionedTransaction(v0);
    vt.sign([kp]);
    expect(bytesToHex(vt.signatures[0] as Uint8Array)).toBe(bytesToHex(ed25519.sign(message, seed)));
  });

  it('refuses a message whose fee payer is another account', () => {
    const other = new Transaction({ feePayer: to, blockhash, lastValidBlockHeight: 1 }).add(
      SystemProgram.transfer({ fromPubkey: to, toPubkey: kp.publicKey, lamports: 1 }),
    );
    const message = solanaMessageFromRaw(other.serializeMessage().toString('base64'));
    expect(() => rawSolanaSigningRequest(message, { address: kp.publicKey.toBase58(), account: 0 })).toThrow(
      /fee payer/,
    );
  });

  it('refuses a message that needs a second signer', () => {
    const two = new Transaction({ feePayer: kp.publicKey, blockhash, lastValidBlockHeight: 1 }).add(
      SystemProgram.transfer({ fromPubkey: to, toPubkey: kp.publicKey, lamports: 1 }),
    );
    const message = solanaMessageFromRaw(two.serializeMessage().toString('base64'));
    expect(() => rawSolanaSigningRequest(message, { address: kp.publicKey.toBase58(), account: 0 })).toThrow(
      /exactly one required signature/,
    );
  });

  it('refuses truncated bytes', () => {
    expect(() => solanaMessageFromRaw(legacy.serializeMessage().subarray(0, 40).toString('base64'))).toThrow(
      /more bytes/,
    );
  });

  it('refuses text that is not base64', () => {
    expect(() => solanaMessageFromRaw('not base64!')).toThrow(/base64/);
  });
});

describe('raw NEAR transactions', () => {
  const pub = ed25519.getPublicKey(new Uint8Array(32).fill(1));
  const tx = buildNearTransfer({
    signerId: bytesToHex(pub),
    publicKey: `ed25519:${new PublicKey(pub).toBase58()}`,
    nonce: '9',
    blockHash: 'EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k',
    account: 0,
    to: 'bob.near',
    yocto: '5',
  });

  it('round-trips borsh and yields the same signing request', () => {
    const parsed = parseRawNearTransaction(base64.encode(serializeNearTransaction(tx)), 0);
    expect(parsed).toEqual(tx);
  });

  it('refuses other actions (e.g. AddKey)', () => {
    const bytes = serializeNearTransaction(tx);
    const tampered = bytes.slice();
    tampered[bytes.length - 17] = 5; // action tag Transfer (3) → AddKey (5)
    expect(() => parseRawNearTransaction(base64.encode(tampered), 0)).toThrow(/Transfer or FunctionCall/);
  });

  it('refuses trailing bytes', () => {
    expect(() =>
      parseRawNearTransaction(base64.encode(new Uint8Array([...serializeNearTransaction(tx), 0])), 0),
    ).toThrow(/trailing/);
  });
});

describe('raw NEAR delegate actions', () => {
  const pub = ed25519.getPublicKey(new Uint8Array(32).fill(2));
  const delegate = {
    senderId: bytesToHex(pub),
    receiverId: 'app.near',
    actions: [
      {
        type: 'FunctionCall' as const,
        methodName: 'claim',
        args: base64.encode(new TextEncoder().encode('{}')),
        gas: '30000000000000',
        deposit: '0',
      },
    ],
    nonce: '3',
    maxBlockHeight: '999',
    publicKey: `ed25519:${new PublicKey(pub).toBase58()}`,
  };
  it('round-trips borsh DelegateAction', () => {
    expect(parseRawNearDelegateAction(base64.encode(serializeNearDelegateAction(delegate)))).toEqual(delegate);
  });
  it('refuses a truncated delegate action', () => {
    expect(() =>
      parseRawNearDelegateAction(base64.encode(serializeNearDelegateAction(delegate).subarray(0, 50))),
    ).toThrow(/more bytes/);
  });
});
