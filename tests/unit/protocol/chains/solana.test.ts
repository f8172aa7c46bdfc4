import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import {
  Keypair,
  PublicKey,
  SystemProgram,
  Transaction,
  TransactionInstruction,
  TransactionMessage,
} from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import {
  ASSOCIATED_TOKEN_PROGRAM,
  assembleSolanaTransaction,
  associatedTokenAddress,
  buildSolanaTransfer,
  buildSplTransfer,
  compileSolanaMessage,
  encodeCompactU16,
  parseSolanaAddress,
  solanaAddressFromPublicKey,
  solanaSigningRequest,
  TOKEN_PROGRAM,
} from '../../../../protocol/chains/solana/index.js';
import type { SolanaUnsignedTransaction } from '../../../../protocol/chains/solana/transaction.js';

const seed = new Uint8Array(32).fill(3);
const keypair = Keypair.fromSeed(seed);
const FROM = keypair.publicKey.toBase58();
const TO = Keypair.fromSeed(new Uint8Array(32).fill(4)).publicKey.toBase58();
const MINT = Keypair.fromSeed(new Uint8Array(32).fill(5)).publicKey.toBase58();
const BLOCKHASH = 'EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k';
const base = { from: FROM, account: 0, recentBlockhash: BLOCKHASH, lastValidBlockHeight: 100 };

function toWeb3Instructions(tx: SolanaUnsignedTransaction): TransactionInstruction[] {
  return tx.instructions.map(
    (ix) =>
      new TransactionInstruction({
        programId: new PublicKey(ix.programId),
        keys: ix.accounts.map((a) => ({
          pubkey: new PublicKey(a.pubkey),
          isSigner: a.isSigner,
          isWritable: a.isWritable,
        })),
        data: Buffer.from(ix.data, 'hex'),
      }),
  );
}

function web3Message(tx: SolanaUnsignedTransaction): Uint8Array {
  return new TransactionMessage({
    payerKey: keypair.publicKey,
    recentBlockhash: BLOCKHASH,
    instructions: toWeb3Instructions(tx),
  })
    .compileToLegacyMessage()
    .serialize();
}

describe('Solana addresses', () => {
  it('is the base58 of the public key', () => {
    expect(solanaAddressFromPublicKey(ed25519.getPublicKey(seed))).toBe(FROM);
  });
  it('derives associated token accounts like web3.js findProgramAddressSync', () => {
    const [expected] = PublicKey.findProgramAddressSync(
      [keypair.publicKey.toBytes(), new PublicKey(TOKEN_PROGRAM).toBytes(), new PublicKey(MINT).toBytes()],
      new PublicKey(ASSOCIATED_TOKEN_PROGRAM),
    );
    expect(associatedTokenAddress(FROM, MINT)).toBe(expected.toBase58());
  });
  it('refuses an address that does not decode to 32 bytes', () => {
    expect(() => parseSolanaAddress('1111111111111111111111111111111')).toThrow(/32 bytes|base58 Solana address/);
  });
  it('refuses non-base58 characters', () => {
    expect(() => parseSolanaAddress('0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OI')).toThrow(/base58/);
  });
  it('encodes compact-u16 like short_vec', () => {
    expect([...encodeCompactU16(0x7f)]).toEqual([0x7f]);
    expect([...encodeCompactU16(0x80)]).toEqual([0x80, 0x01]);
    expect([...encodeCompactU16(0x3fff)]).toEqual([0xff, 0x7f]);
    expect([...encodeCompactU16(0x4000)]).toEqual([0x80, 0x80, 0x01]);
  });
});

describe('Solana transactions', () => {
  it('SOL transfer message is byte-identical to web3.js and to SystemProgram.transfer', () => {
    const tx = buildSolanaTransfer({ ...base, to: TO, lamports: '1234567' });
    expect(bytesToHex(compileSolanaMessage(tx))).toBe(bytesToHex(web3Message(tx)));
    const legacy = new Transaction({
      feePayer: keypair.publicKey,
      blockhash: BLOCKHASH,
      lastValidBlockHeight: 100,
    }).add(SystemProgram.transfer({ fromPubkey: keypair.publicKey, toPubkey: new PublicKey(TO), lamports: 1234567 }));
    expect(bytesToHex(compileSolanaMessage(tx))).toBe(bytesToHex(legacy.serializeMessage()));
  });

  it('SPL transfer with priority fee compiles like web3.js', () => {
    const tx = buildSplTransfer({
      ...base,
      computeUnitPriceMicroLamports: '5000',
      to: TO,
      mint: MINT,
      amount: '42000000',
      decimals: 6,
    });
    expect(tx.instructions).toHaveLength(3);
    expect(bytesToHex(compileSolanaMessage(tx))).toBe(bytesToHex(web3Message(tx)));
  });

  it('signed transaction equals web3.js Transaction.sign output', () => {
    const tx = buildSolanaTransfer({ ...base, to: TO, lamports: '1000' });
    const request = solanaSigningRequest(tx);
    expect(request).toMatchObject({
      scheme: 'ed25519',
      keyFamily: 'solana',
      account: 0,
      derivationPath: "m/44'/501'/0'/0'",
    });
    if (request.scheme !== 'ed25519') throw new Error('scheme');
    const signature = bytesToHex(ed25519.sign(request.message, seed));
    const signed = assembleSolanaTransaction(tx, { scheme: 'ed25519', signature });
    const legacy = new Transaction({
      feePayer: keypair.publicKey,
      blockhash: BLOCKHASH,
      lastValidBlockHeight: 100,
    }).add(SystemProgram.transfer({ fromPubkey: keypair.publicKey, toPubkey: new PublicKey(TO), lamports: 1000 }));
    legacy.sign(keypair);
    expect(signed.raw).toBe(legacy.serialize().toString('base64'));
    expect(signed.encoding).toBe('base64');
  });

  it('refuses a signature by another key', () => {
    const tx = buildSolanaTransfer({ ...base, to: TO, lamports: '1000' });
    const message = compileSolanaMessage(tx);
    const wrong = bytesToHex(ed25519.sign(message, new Uint8Array(32).fill(9)));
    expect(() => assembleSolanaTransaction(tx, { scheme: 'ed25519', signature: wrong })).toThrow(/does not verify/);
  });

  it('refuses an instruction that needs another signer', () => {
    const tx = buildSolanaTransfer({ ...base, to: TO, lamports: '1000' });
    const ix = tx.instructions[0]!;
    const bad = { ...tx, instructions: [{ ...ix, accounts: ix.accounts.map((a) => ({ ...a, isSigner: true })) }] };
    expect(() => compileSolanaMessage(bad)).toThrow(/no signer other than the fee payer/);
  });

  it('refuses a lamport amount above u64', () => {
    expect(() => buildSolanaTransfer({ ...base, to: TO, lamports: (1n << 64n).toString() })).toThrow(/amount/);
  });

  it('refuses a malformed recent blockhash', () => {
    expect(() => buildSolanaTransfer({ ...base, recentBlockhash: 'abc', to: TO, lamports: '1' })).toThrow(
      /recentBlockhash/,
    );
  });

  it('refuses a malformed destination', () => {
    expect(() => buildSolanaTransfer({ ...base, to: 'not-an-address', lamports: '1' })).toThrow(/destinationAddress/);
  });
});
