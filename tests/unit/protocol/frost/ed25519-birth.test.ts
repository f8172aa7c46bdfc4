import { KeyPair, KeyPairEd25519, PublicKey as NearPublicKey } from '@near-js/crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { base58 } from '@scure/base';
import { mnemonicToSeedSync } from '@scure/bip39';
import { Keypair, PublicKey, SystemProgram, Transaction } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex } from '../../../../protocol/bytes.js';
import {
  addEd25519Account,
  birthEd25519Family,
  type Ed25519AccountShare,
  exportEd25519Keys,
} from '../../../../protocol/frost/ed25519-birth.js';
import { type ExportContext, openMnemonic } from '../../../../protocol/frost/export-box.js';
import { assertValidKeyShare } from '../../../../protocol/frost/key-share.js';
import { nearSigningPayload, solanaSigningPayload } from '../../../../protocol/frost/payloads.js';
import { slip10Derive } from '../../../../protocol/frost/slip10.js';
import { createSeededRng, type Rng } from '../../../../protocol/rng.js';
import { expectInvalidArgument } from './assert.js';
import { runSign } from './helpers.js';

const ABANDON = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const PHANTOM_ABANDON_ACCOUNT_0 = 'HAgk14JpMQLgt6rVgv7cBQFJWFto5Dqxi472uT3DKpqk';
const context: ExportContext = { customerId: 'cust-42', keyId: 'ed25519-family-1', version: 1 };

/** First request (the 128-bit entropy) returns zeros → the "abandon … about" mnemonic; then seeded. */
function abandonRng(): Rng {
  const rest = createSeededRng('birth');
  let first = true;
  return (n) => {
    const out = first ? new Uint8Array(n) : rest(n);
    first = false;
    return out;
  };
}

const born = birthEd25519Family({
  context,
  rng: abandonRng(),
  accounts: [
    { chain: 'solana', index: 0 },
    { chain: 'solana', index: 1 },
    { chain: 'near', index: 0 },
  ],
});
const bip39Seed = mnemonicToSeedSync(ABANDON);
const parts = { client: fromHex(born.client.exportKeyPart), server: fromHex(born.server.exportKeyPart) };
const shareOf = (bundle: { accounts: Ed25519AccountShare[] }, chain: string, index: number) => {
  const a = bundle.accounts.find((x) => x.chain === chain && x.index === index);
  if (!a) throw new Error('no such account');
  return a;
};

describe('ed25519 family birth in Node 1 (abandon … about)', () => {
  it("Solana account 0 equals @solana/web3.js Keypair.fromSeed(SLIP-10 m/44'/501'/0'/0') and Phantom", () => {
    const seed = slip10Derive(bip39Seed, "m/44'/501'/0'/0'").key;
    const expected = Keypair.fromSeed(seed).publicKey.toBase58();
    const account = shareOf(born.client, 'solana', 0);
    expect(account.address).toBe(expected);
    expect(account.address).toBe(PHANTOM_ABANDON_ACCOUNT_0);
    expect(account.keyShare.commitments[0]).toBe(account.publicKey);
  });

  it("NEAR key equals @near-js/crypto KeyPairEd25519 from SLIP-10 m/44'/397'/0' seed‖pub", () => {
    const seed = slip10Derive(bip39Seed, "m/44'/397'/0'").key;
    const nearPair = new KeyPairEd25519(base58.encode(concatBytes(seed, ed25519.getPublicKey(seed))));
    const account = shareOf(born.client, 'near', 0);
    expect(nearPair.getPublicKey().toString()).toBe(`ed25519:${base58.encode(fromHex(account.publicKey))}`);
    expect(account.address).toBe(account.publicKey);
  });

  it('the birth result (both bundles, sealed mnemonic, public accounts) is JSON-safe', () => {
    expect(JSON.parse(JSON.stringify(born))).toEqual(born);
  });

  it('each account is split into valid, different client and server shares of the same key', () => {
    for (const [i, c] of born.client.accounts.entries()) {
      const s = born.server.accounts[i] as Ed25519AccountShare;
      assertValidKeyShare(c.keyShare);
      assertValidKeyShare(s.keyShare);
      expect(c.keyShare.role).toBe('client');
      expect(s.keyShare.role).toBe('server');
      expect(s.keyShare.commitments).toEqual(c.keyShare.commitments);
      expect(s.keyShare.signingShare).not.toBe(c.keyShare.signingShare);
    }
    expect(born.accounts.map((a) => a.path)).toEqual(["m/44'/501'/0'/0'", "m/44'/501'/1'/0'", "m/44'/397'/0'"]);
  });

  it('a 2-of-2 Solana signature verifies strictly with noble and in a @solana/web3.js Transaction', () => {
    const c = shareOf(born.client, 'solana', 0);
    const s = shareOf(born.server, 'solana', 0);
    const payer = new PublicKey(c.address);
    const tx = new Transaction({ feePayer: payer, recentBlockhash: base58.encode(new Uint8Array(32).fill(7)) }).add(
      SystemProgram.transfer({
        fromPubkey: payer,
        toPubkey: Keypair.fromSeed(new Uint8Array(32).fill(5)).publicKey,
        lamports: 1000,
      }),
    );
    const message = solanaSigningPayload(tx.serializeMessage());
    const out = runSign({ scheme: 'ed25519', client: c.keyShare, server: s.keyShare, message, derivationPath: c.path });
    const signature = fromHex(out.client.signature);
    expect(ed25519.verify(signature, message, fromHex(c.publicKey), { zip215: false })).toBe(true);
    tx.addSignature(payer, Buffer.from(signature));
    expect(tx.verifySignatures()).toBe(true);
  });

  it('a 2-of-2 NEAR signature over SHA-256(tx bytes) verifies with @near-js/crypto PublicKey.verify', () => {
    const c = shareOf(born.client, 'near', 0);
    const s = shareOf(born.server, 'near', 0);
    const borshBytes = createSeededRng('near-tx')(180);
    const payload = nearSigningPayload(borshBytes);
    const out = runSign({
      scheme: 'ed25519',
      client: c.keyShare,
      server: s.keyShare,
      message: payload,
      derivationPath: c.path,
    });
    const nearKey = NearPublicKey.fromString(`ed25519:${base58.encode(fromHex(c.publicKey))}`);
    expect(nearKey.verify(payload, fromHex(out.client.signature))).toBe(true);
    expect(ed25519.verify(fromHex(out.client.signature), payload, fromHex(c.publicKey), { zip215: false })).toBe(true);
  });

  it('wipes the entropy and key-part buffers it drew (best effort: strings and bigints cannot be wiped)', () => {
    const drawn: Uint8Array[] = [];
    const copies: string[] = [];
    const base = createSeededRng('wipe');
    const rng: Rng = (n) => {
      const out = base(n);
      drawn.push(out);
      copies.push(toHex(out));
      return out;
    };
    const b = birthEd25519Family({ context, rng, accounts: [{ chain: 'solana', index: 0 }] });
    // Draw order: entropy (16 bytes), k_C, k_S; each was non-zero and is all zeros now.
    for (const i of [0, 1, 2]) {
      expect(copies[i]).not.toMatch(/^(00)+$/);
      expect(drawn[i]?.every((x) => x === 0)).toBe(true);
    }
    expect(b.client.exportKeyPart).toBe(copies[1]);
  });

  it('uses a relay-supplied k_S when given', () => {
    const kS = createSeededRng('relay-kS')(32);
    const b = birthEd25519Family({
      context,
      rng: createSeededRng('b2'),
      serverExportKeyPart: kS,
      accounts: [{ chain: 'near', index: 0 }],
    });
    expect(b.server.exportKeyPart).toBe(toHex(kS));
    expect(b.client.exportKeyPart).not.toBe(toHex(kS));
  });

  it('refuses duplicate accounts', () => {
    expectInvalidArgument(
      () =>
        birthEd25519Family({
          context,
          rng: createSeededRng('dup'),
          accounts: [
            { chain: 'solana', index: 0 },
            { chain: 'solana', index: 0 },
          ],
        }),
      'accounts',
    );
  });
});

describe('the sealed mnemonic needs both k_C and k_S and the right context', () => {
  it('opens with both parts', () => {
    expect(new TextDecoder().decode(openMnemonic(born.sealedMnemonic, parts.client, parts.server, context))).toBe(
      ABANDON,
    );
  });
  it('does not open with k_C twice (server part missing)', () => {
    expectInvalidArgument(
      () => openMnemonic(born.sealedMnemonic, parts.client, parts.client, context),
      'sealedMnemonic',
    );
  });
  it('does not open with k_S twice (client part missing)', () => {
    expectInvalidArgument(
      () => openMnemonic(born.sealedMnemonic, parts.server, parts.server, context),
      'sealedMnemonic',
    );
  });
  it('does not open with a zero client part', () => {
    expectInvalidArgument(
      () => openMnemonic(born.sealedMnemonic, new Uint8Array(32), parts.server, context),
      'sealedMnemonic',
    );
  });
  it('does not open with the parts swapped', () => {
    expectInvalidArgument(
      () => openMnemonic(born.sealedMnemonic, parts.server, parts.client, context),
      'sealedMnemonic',
    );
  });
  it('does not open for another customer (AAD and key bind the customer id)', () => {
    expectInvalidArgument(
      () => openMnemonic(born.sealedMnemonic, parts.client, parts.server, { ...context, customerId: 'cust-43' }),
      'sealedMnemonic',
    );
  });
  it('does not open for another key id', () => {
    expectInvalidArgument(
      () => openMnemonic(born.sealedMnemonic, parts.client, parts.server, { ...context, keyId: 'other' }),
      'sealedMnemonic',
    );
  });
  it('does not open for another version', () => {
    expectInvalidArgument(
      () => openMnemonic(born.sealedMnemonic, parts.client, parts.server, { ...context, version: 2 }),
      'sealedMnemonic',
    );
  });
  it('does not open when the ciphertext is altered', () => {
    const c = born.sealedMnemonic.ciphertext;
    const flipped = { ...born.sealedMnemonic, ciphertext: `${c.slice(0, -2)}${c.endsWith('00') ? '01' : '00'}` };
    expectInvalidArgument(() => openMnemonic(flipped, parts.client, parts.server, context), 'sealedMnemonic');
  });
  it('does not reveal the plaintext in the error', () => {
    const err = expectInvalidArgument(
      () => openMnemonic(born.sealedMnemonic, parts.client, parts.client, context),
      'sealedMnemonic',
    );
    expect(err.message).not.toContain('abandon');
  });
});

describe('add account later and export', () => {
  it('adds Solana account 2 from the sealed mnemonic with both parts; it signs', () => {
    const added = addEd25519Account({
      context,
      sealedMnemonic: born.sealedMnemonic,
      clientExportKeyPart: parts.client,
      serverExportKeyPart: parts.server,
      account: { chain: 'solana', index: 2 },
      rng: createSeededRng('add'),
    });
    const seed = slip10Derive(bip39Seed, "m/44'/501'/2'/0'").key;
    expect(added.account.address).toBe(Keypair.fromSeed(seed).publicKey.toBase58());
    const msg = new Uint8Array([1, 2, 3]);
    const out = runSign({
      scheme: 'ed25519',
      client: added.client.keyShare,
      server: added.server.keyShare,
      message: msg,
    });
    expect(
      ed25519.verify(fromHex(out.client.signature), msg, fromHex(added.account.publicKey), { zip215: false }),
    ).toBe(true);
  });

  it('cannot add an account with only the client part', () => {
    expectInvalidArgument(
      () =>
        addEd25519Account({
          context,
          sealedMnemonic: born.sealedMnemonic,
          clientExportKeyPart: parts.client,
          serverExportKeyPart: new Uint8Array(32),
          account: { chain: 'solana', index: 3 },
          rng: createSeededRng('add'),
        }),
      'sealedMnemonic',
    );
  });

  it('exports the mnemonic and wallet-importable seed‖pub strings (Phantom base58, NEAR ed25519:)', () => {
    const exported = exportEd25519Keys({
      context,
      sealedMnemonic: born.sealedMnemonic,
      clientExportKeyPart: parts.client,
      serverExportKeyPart: parts.server,
      accounts: [
        { chain: 'solana', index: 0 },
        { chain: 'near', index: 0 },
      ],
    });
    expect(exported.mnemonic).toBe(ABANDON);
    const [sol, near] = exported.accounts;
    if (!sol || !near) throw new Error('setup');
    expect(base58.decode(sol.secretKey)).toHaveLength(64);
    expect(Keypair.fromSecretKey(base58.decode(sol.secretKey)).publicKey.toBase58()).toBe(PHANTOM_ABANDON_ACCOUNT_0);
    expect(near.secretKey.startsWith('ed25519:')).toBe(true);
    const nearPair = KeyPair.fromString(near.secretKey as `ed25519:${string}`);
    expect(nearPair.getPublicKey().toString()).toBe(
      `ed25519:${base58.encode(fromHex(shareOf(born.client, 'near', 0).publicKey))}`,
    );
  });
});
