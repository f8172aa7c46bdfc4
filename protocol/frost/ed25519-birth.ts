/**
 * Exportable ed25519 family, born in Node 1 (mpc-design §3.3–§3.5 Family B; DESIGN.md §3).
 *
 * Phantom and MyNearWallet import a 32-byte RFC 8032 *seed*, which a DKG can never produce (the
 * signing scalar is clamp(SHA-512(seed)[0..32]) and SHA-512 does not invert). So the client acts
 * once as a trusted dealer:
 *   1. fresh BIP39 mnemonic from the injected rng (128 bits → 12 words, like Phantom);
 *   2. SLIP-0010 seeds: Solana m/44'/501'/i'/0' (Phantom), NEAR m/44'/397'/0' (near-seed-phrase);
 *   3. each signing scalar (ed25519.utils.getExtendedPublicKey(seed).scalar) split 2-of-2 with
 *      `ed25519_FROST.trustedDealer` at identifiers 1 (client) and 2 (server);
 *   4. the mnemonic sealed under HKDF(k_C ‖ k_S) (export-box.ts);
 *   5. plaintext entropy, BIP39 seed, SLIP-10 nodes and expanded keys wiped. Best effort only: the
 *      mnemonic passes through JS strings and bigints that cannot be erased (see docs/security/frost.md).
 * "Add account i" and "export" reopen the box with both parts, inside the Gateway only.
 */
import { ed25519, ed25519_FROST } from '@noble/curves/ed25519.js';
import { base58 } from '@scure/base';
import { entropyToMnemonic, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { concatBytes, toHex, utf8ToBytes, wipe } from '../bytes.js';
import { InvalidArgumentError } from '../errors.js';
import type { Rng } from '../rng.js';
import { type ExportContext, openMnemonic, type SealedMnemonic, sealMnemonic } from './export-box.js';
import { defaultIdentifiers, type FrostKeyShare, fromNobleKey } from './key-share.js';
import { slip10Derive } from './slip10.js';
import { nobleRng } from './suites.js';

export type Ed25519Chain = 'solana' | 'near';

export interface Ed25519AccountRef {
  chain: Ed25519Chain;
  index: number;
}

export interface Ed25519AccountPublic extends Ed25519AccountRef {
  path: string;
  /** 32-byte ed25519 public key, hex (equals the FROST group key). */
  publicKey: string;
  /** Solana: base58 public key; NEAR: implicit account id (hex of the key). */
  address: string;
}

export interface Ed25519AccountShare extends Ed25519AccountPublic {
  keyShare: FrostKeyShare;
}

/** One party's part: its FROST share per account and its half of the export key. */
export interface Ed25519PartyBundle {
  /** SECRET: 32-byte k_C (client) or k_S (server), hex. */
  exportKeyPart: string;
  accounts: Ed25519AccountShare[];
}

export interface Ed25519BirthResult {
  /** Goes into the PIN-wrapped Node 1 bundle. */
  client: Ed25519PartyBundle;
  /** Goes to Node 2 over the authenticated, confidential channel; then erase it on the client. */
  server: Ed25519PartyBundle;
  /** Stored by the relay (and optionally the client); useless without both export key parts. */
  sealedMnemonic: SealedMnemonic;
  accounts: Ed25519AccountPublic[];
}

export const DEFAULT_ED25519_ACCOUNTS: readonly Ed25519AccountRef[] = [
  { chain: 'solana', index: 0 },
  { chain: 'near', index: 0 },
];

/** Solana as Phantom derives it; NEAR as near-seed-phrase (index 0 is the only one wallets use). */
export function ed25519AccountPath(ref: Ed25519AccountRef): string {
  if (!Number.isSafeInteger(ref.index) || ref.index < 0 || ref.index >= 0x80000000)
    throw new InvalidArgumentError('account.index', '0 ≤ index < 2^31', String(ref.index));
  if (ref.chain === 'solana') return `m/44'/501'/${ref.index}'/0'`;
  if (ref.chain === 'near') return `m/44'/397'/${ref.index}'`;
  throw new InvalidArgumentError('account.chain', "'solana' or 'near'", String(ref.chain));
}

function accountAddress(chain: Ed25519Chain, publicKey: Uint8Array): string {
  return chain === 'solana' ? base58.encode(publicKey) : toHex(publicKey);
}

/** Splits one account's signing scalar 2-of-2 and returns the public info plus both shares. */
function splitAccount(
  bip39Seed: Uint8Array,
  ref: Ed25519AccountRef,
  rng: Rng,
): { account: Ed25519AccountPublic; client: Ed25519AccountShare; server: Ed25519AccountShare } {
  const path = ed25519AccountPath(ref);
  const node = slip10Derive(bip39Seed, path);
  const ext = ed25519.utils.getExtendedPublicKey(node.key);
  const F = ed25519_FROST.utils.Fn;
  const scalarBytes = F.toBytes(ext.scalar);
  const ids = defaultIdentifiers('ed25519');
  const deal = ed25519_FROST.trustedDealer({ min: 2, max: 2 }, [ids.client, ids.server], scalarBytes, nobleRng(rng));
  wipe(node.key, node.chainCode, ext.head, ext.prefix, scalarBytes);
  const publicKey = ext.pointBytes;
  // The dealer's group key must be the wallet's public key, or Phantom/NEAR would show another address.
  if (toHex(deal.public.commitments[0] as Uint8Array) !== toHex(publicKey))
    throw new Error('internal: dealer group key differs from the ed25519 public key');
  const account: Ed25519AccountPublic = {
    chain: ref.chain,
    index: ref.index,
    path,
    publicKey: toHex(publicKey),
    address: accountAddress(ref.chain, publicKey),
  };
  const share = (role: 'client' | 'server'): Ed25519AccountShare => {
    const secret = deal.secretShares[ids[role]];
    if (!secret) throw new Error('internal: dealer returned no share');
    const keyShare = fromNobleKey('ed25519', role, ids, { public: deal.public, secret });
    secret.signingShare.fill(0);
    return { ...account, keyShare };
  };
  return { account, client: share('client'), server: share('server') };
}

function assertAccounts(accounts: readonly Ed25519AccountRef[]): void {
  if (!Array.isArray(accounts) || accounts.length === 0 || accounts.length > 100)
    throw new InvalidArgumentError('accounts', '1 to 100 account references');
  const seen = new Set<string>();
  for (const a of accounts) {
    const path = ed25519AccountPath(a);
    if (seen.has(path)) throw new InvalidArgumentError('accounts', 'distinct accounts', path);
    seen.add(path);
  }
}

export interface Ed25519BirthParams {
  context: ExportContext;
  rng: Rng;
  accounts?: readonly Ed25519AccountRef[];
  /** 128 (12 words, Phantom's default) or 256 bits (24 words). */
  strengthBits?: 128 | 256;
  /** k_S chosen by Node 2 beforehand, if the relay supplies it; otherwise drawn here. */
  serverExportKeyPart?: Uint8Array;
}

/** Creates the family: mnemonic → SLIP-10 seeds → 2-of-2 shares → sealed mnemonic → wipe. */
export function birthEd25519Family(params: Ed25519BirthParams): Ed25519BirthResult {
  const accounts = params.accounts ?? DEFAULT_ED25519_ACCOUNTS;
  assertAccounts(accounts);
  const strength = params.strengthBits ?? 128;
  if (strength !== 128 && strength !== 256)
    throw new InvalidArgumentError('strengthBits', '128 or 256', String(strength));
  if (params.serverExportKeyPart !== undefined && params.serverExportKeyPart.length !== 32)
    throw new InvalidArgumentError('serverExportKeyPart', '32 bytes');
  const entropy = params.rng(strength / 8);
  const clientKeyPart = params.rng(32);
  const serverKeyPart = params.serverExportKeyPart ? params.serverExportKeyPart.slice() : params.rng(32);
  const mnemonic = entropyToMnemonic(entropy, wordlist);
  const mnemonicBytes = utf8ToBytes(mnemonic);
  const bip39Seed = mnemonicToSeedSync(mnemonic);
  try {
    const sealedMnemonic = sealMnemonic(mnemonicBytes, clientKeyPart, serverKeyPart, params.context, params.rng);
    const split = accounts.map((ref) => splitAccount(bip39Seed, ref, params.rng));
    return {
      client: { exportKeyPart: toHex(clientKeyPart), accounts: split.map((s) => s.client) },
      server: { exportKeyPart: toHex(serverKeyPart), accounts: split.map((s) => s.server) },
      sealedMnemonic,
      accounts: split.map((s) => s.account),
    };
  } finally {
    wipe(entropy, mnemonicBytes, bip39Seed, clientKeyPart, serverKeyPart);
  }
}

export interface OpenFamilyParams {
  context: ExportContext;
  sealedMnemonic: SealedMnemonic;
  clientExportKeyPart: Uint8Array;
  serverExportKeyPart: Uint8Array;
}

/** Opens the box and hands the BIP39 seed to `use`, wiping plaintext copies afterwards. */
function withOpenedSeed<T>(params: OpenFamilyParams, use: (bip39Seed: Uint8Array, mnemonic: string) => T): T {
  const mnemonicBytes = openMnemonic(
    params.sealedMnemonic,
    params.clientExportKeyPart,
    params.serverExportKeyPart,
    params.context,
  );
  const mnemonic = new TextDecoder().decode(mnemonicBytes);
  wipe(mnemonicBytes);
  if (!validateMnemonic(mnemonic, wordlist))
    throw new InvalidArgumentError('sealedMnemonic', 'a valid BIP39 mnemonic inside');
  const bip39Seed = mnemonicToSeedSync(mnemonic);
  try {
    return use(bip39Seed, mnemonic);
  } finally {
    wipe(bip39Seed);
  }
}

/** "Add account i later": needs both export key parts (PIN + relay); returns both parties' shares. */
export function addEd25519Account(params: OpenFamilyParams & { account: Ed25519AccountRef; rng: Rng }): {
  account: Ed25519AccountPublic;
  client: Ed25519AccountShare;
  server: Ed25519AccountShare;
} {
  ed25519AccountPath(params.account);
  return withOpenedSeed(params, (seed) => splitAccount(seed, params.account, params.rng));
}

export interface Ed25519ExportedAccount extends Ed25519AccountPublic {
  /** Phantom: base58(seed ‖ pub); MyNearWallet: "ed25519:" + base58(seed ‖ pub). SECRET. */
  secretKey: string;
}

/** Export: the mnemonic and per-account `seed‖pub` strings in each wallet's import format. SECRET output. */
export function exportEd25519Keys(params: OpenFamilyParams & { accounts: readonly Ed25519AccountRef[] }): {
  mnemonic: string;
  accounts: Ed25519ExportedAccount[];
} {
  assertAccounts(params.accounts);
  return withOpenedSeed(params, (seed, mnemonic) => ({
    mnemonic,
    accounts: params.accounts.map((ref) => {
      const path = ed25519AccountPath(ref);
      const node = slip10Derive(seed, path);
      const publicKey = ed25519.getPublicKey(node.key);
      const keypair = concatBytes(node.key, publicKey);
      const encoded = base58.encode(keypair);
      wipe(node.key, node.chainCode, keypair);
      return {
        chain: ref.chain,
        index: ref.index,
        path,
        publicKey: toHex(publicKey),
        address: accountAddress(ref.chain, publicKey),
        secretKey: ref.chain === 'near' ? `ed25519:${encoded}` : encoded,
      };
    }),
  }));
}
