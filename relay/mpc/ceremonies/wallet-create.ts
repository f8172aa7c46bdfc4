/**
 * Ceremony 'wallet-create': provisions the wallets a `wallet-create` challenge approved, in one run
 * with several sub-sessions the client may drive in parallel:
 *
 *   - ECDSA families (EVM, Bitcoin P2WPKH): a DKLs23 DKG (protocol/ecdsa2p/dkg.ts) per family the
 *     customer has no root for yet; the session id and key id are chosen here and announced in
 *     session.ready. Wallets are non-hardened children m/0/i of the root (DESIGN.md §3).
 *   - Bitcoin Taproot: a FROST secp256k1 DKG (protocol/frost/dkg.ts, plain suite, so the root stays
 *     untweaked) when the customer has no Taproot root yet. Every Bitcoin chain asked for gets TWO
 *     wallet rows: P2WPKH (ECDSA root) and, right after it, P2TR (BIP86 key path: child m/0/i of the
 *     FROST root, TapTweaked; relay/mpc/taproot.ts). The rows share name and refId.
 *   - ed25519 families (Solana, NEAR): the family is born in Node 1 (protocol/frost/ed25519-birth.ts);
 *     Node 2 draws k_S, sends it in session.ready, and receives its FROST share of each account plus
 *     the sealed mnemonic in one 'ed25519/birth' message, which it validates completely.
 *
 * When every sub-session is done, the server shares and k_S (sealed under the master key), the
 * wallet rows and the challenge completion are written in ONE transaction.
 */
import { base58, bech32m } from '@scure/base';
import { fromHex, isHex, toHex } from '../../../protocol/bytes.js';
import { bitcoinAddressFromPublicKey } from '../../../protocol/chains/bitcoin/address.js';
import type { BitcoinNetworkName } from '../../../protocol/chains/bitcoin/network.js';
import { evmAddressFromPublicKey } from '../../../protocol/chains/evm/address.js';
import { deriveNonHardened } from '../../../protocol/ecdsa2p/derivation.js';
import { Point } from '../../../protocol/ecdsa2p/group.js';
import {
  DKG_PROTOCOL,
  type DkgState,
  type Ecdsa2pKeyShare,
  receiveDkg,
  startDkg,
} from '../../../protocol/ecdsa2p/index.js';
import { InvalidMessageError } from '../../../protocol/errors.js';
import {
  assertValidKeyShare,
  deriveTaprootKeyShare,
  type Ed25519AccountRef,
  ed25519AccountPath,
  type FrostDkgOutput,
  type FrostDkgState,
  type FrostKeyShare,
  receiveFrostDkg,
  type SealedMnemonic,
  startFrostDkg,
} from '../../../protocol/frost/index.js';
import type { Envelope } from '../../../protocol/session.js';
import { builtInChainFamily, type ChainFamily } from '../../challenges/chains.js';
import type { Queryable } from '../../db/database.js';
import { type BitcoinWalletAddressType, insertWallet, listCustomerWallets } from '../../wallets/store.js';
import { CeremonyRefusedError } from '../errors.js';
import { ecdsaRootKeyId, ed25519AccountKeyId, exportKeyPartId, taprootRootKeyId } from '../key-ids.js';
import { insertKeyShare, listKeyShares, loadKeyShare } from '../key-shares.js';
import { loadTaprootRoot, TAPROOT_ROOT_PURPOSE, taprootRootPublicData } from '../taproot.js';
import type { CeremonyContext, CeremonyDone, CeremonyHandler, CeremonyRun, JsonObject } from './types.js';

export const WALLET_CREATE_CEREMONY = 'wallet-create';
export const ED25519_BIRTH_PROTOCOL = 'ed25519/birth';
export const ED25519_FAMILY_KEY_VERSION = 1;
/** protocol/frost/dkg.ts's envelope tag (the Taproot root DKG). */
export const FROST_DKG_PROTOCOL = 'frost/dkg';

export const walletCreateHandler: CeremonyHandler = {
  name: WALLET_CREATE_CEREMONY,
  protocols: [DKG_PROTOCOL, ED25519_BIRTH_PROTOCOL, FROST_DKG_PROTOCOL],
  challengeKinds: ['wallet-create'],
  start: startWalletCreate,
};

type EcdsaFamily = 'evm' | 'bitcoin';
type Ed25519Family = 'solana' | 'near';

interface PlannedWallet {
  blockchain: string;
  family: ChainFamily;
  name?: string | undefined;
  refId?: string | undefined;
}

interface WalletRow extends PlannedWallet {
  derivationPath: string;
  publicKey: string;
  address: string;
  addressType: BitcoinWalletAddressType | null;
}

/** x(Q) of a P2TR address: the 32-byte witness program (OP_1 <32 bytes>). */
function bitcoinWitnessProgram(address: string): string {
  const words = bech32m.decode(address as `${string}1${string}`).words;
  return toHex(bech32m.fromWords(words.slice(1)));
}

function bitcoinNetworkOf(chainId: string): BitcoinNetworkName {
  if (/REGTEST|LOCAL/.test(chainId)) return 'regtest';
  return chainId === 'BTC' ? 'mainnet' : 'testnet';
}

function plan(payload: JsonObject | null): PlannedWallet[] {
  const chains = payload?.blockchains;
  if (!Array.isArray(chains) || chains.length === 0)
    throw new CeremonyRefusedError('bad-params', 'the approved payload names no blockchains');
  const metadata = Array.isArray(payload?.metadata) ? (payload.metadata as { name?: string; refId?: string }[]) : [];
  return chains.map((blockchain, i) => {
    const family = typeof blockchain === 'string' ? builtInChainFamily(blockchain) : undefined;
    if (!family)
      throw new CeremonyRefusedError('bad-params', `unsupported blockchain ${String(blockchain).slice(0, 40)}`);
    return { blockchain: blockchain as string, family, name: metadata[i]?.name, refId: metadata[i]?.refId };
  });
}

async function startWalletCreate(ctx: CeremonyContext): Promise<CeremonyRun> {
  const { customerId, organisationId } = ctx.challenge;
  const planned = plan(ctx.challenge.payload);
  const existingKeys = new Set((await listKeyShares(ctx.db, customerId)).map((k) => k.keyId));

  // ECDSA: one DKG per family without a root.
  const dkgs = new Map<
    string,
    { family: EcdsaFamily; keyId: string; state: DkgState | undefined; share?: Ecdsa2pKeyShare }
  >();
  const ecdsaFamilies = [
    ...new Set(planned.map((p) => p.family).filter((f): f is EcdsaFamily => f === 'evm' || f === 'bitcoin')),
  ];
  const outgoing: Envelope<unknown>[] = [];
  for (const family of ecdsaFamilies) {
    const keyId = ecdsaRootKeyId(customerId, family);
    if (existingKeys.has(keyId)) continue;
    const sessionId = toHex(ctx.rng(32));
    const step = startDkg({ role: 'server', keyId, sessionId, rng: ctx.rng });
    dkgs.set(sessionId, { family, keyId, state: step.state });
    outgoing.push(...step.outgoing);
  }

  // ed25519: born in Node 1 with our k_S.
  const edFamilies = [
    ...new Set(planned.map((p) => p.family).filter((f): f is Ed25519Family => f === 'solana' || f === 'near')),
  ];
  const edAccounts: Ed25519AccountRef[] = edFamilies.map((chain) => ({ chain, index: 0 }));
  let birth: { sessionId: string; serverExportKeyPart: string; received?: BirthMessage } | undefined;
  if (edAccounts.length > 0) {
    if (existingKeys.has(exportKeyPartId(customerId))) {
      throw new CeremonyRefusedError(
        'bad-params',
        'adding ed25519 accounts to an existing family is not supported yet',
      );
    }
    birth = { sessionId: toHex(ctx.rng(32)), serverExportKeyPart: toHex(ctx.rng(32)) };
  }

  // Taproot: one FROST secp256k1 DKG for the customer's untweaked internal root.
  let taproot: { keyId: string; sessionId: string; state?: FrostDkgState; output?: FrostDkgOutput } | undefined;
  const taprootKeyId = taprootRootKeyId(customerId);
  if (planned.some((p) => p.family === 'bitcoin') && !existingKeys.has(taprootKeyId)) {
    const step = startFrostDkg({
      role: 'server',
      group: 'secp256k1',
      keyId: taprootKeyId,
      ceremonyId: ctx.ceremonyId,
      rng: ctx.rng,
    });
    taproot = { keyId: taprootKeyId, sessionId: step.outgoing[0]?.sessionId as string, state: step.state };
    outgoing.push(...step.outgoing);
  }

  const sessionIds = [...dkgs.keys(), ...(birth ? [birth.sessionId] : []), ...(taproot ? [taproot.sessionId] : [])];
  const finished = () =>
    [...dkgs.values()].every((d) => d.share) && (!birth || birth.received) && (!taproot || taproot.output);

  return {
    protocol: dkgs.size > 0 ? DKG_PROTOCOL : birth ? ED25519_BIRTH_PROTOCOL : FROST_DKG_PROTOCOL,
    sessionIds,
    readyParams: {
      ecdsa: [...dkgs.entries()].map(([sessionId, d]) => ({ family: d.family, keyId: d.keyId, sessionId })),
      ed25519: birth
        ? {
            sessionId: birth.sessionId,
            protocol: ED25519_BIRTH_PROTOCOL,
            accounts: edAccounts,
            exportContext: { customerId, keyId: exportKeyPartId(customerId), version: ED25519_FAMILY_KEY_VERSION },
            serverExportKeyPart: birth.serverExportKeyPart,
          }
        : null,
      taproot: taproot
        ? {
            keyId: taproot.keyId,
            ceremonyId: ctx.ceremonyId,
            sessionId: taproot.sessionId,
            protocol: FROST_DKG_PROTOCOL,
            group: 'secp256k1',
          }
        : null,
      blockchains: planned.map((p) => p.blockchain),
    },
    outgoing,
    async receive(envelope) {
      const out: Envelope<unknown>[] = [];
      const dkg = dkgs.get(envelope.sessionId);
      if (dkg) {
        if (!dkg.state) throw new CeremonyRefusedError('invalid-message', 'this DKG session is finished');
        const current = dkg.state;
        dkg.state = undefined;
        const step = receiveDkg(current, envelope, ctx.rng);
        dkg.state = step.state;
        out.push(...step.outgoing);
        if (step.output) dkg.share = step.output;
      } else if (taproot && envelope.sessionId === taproot.sessionId) {
        if (!taproot.state) throw new CeremonyRefusedError('invalid-message', 'the Taproot DKG session is finished');
        const current = taproot.state;
        taproot.state = undefined;
        const step = receiveFrostDkg(current, envelope);
        out.push(...step.outgoing);
        if (step.output) taproot.output = step.output;
        else taproot.state = step.state;
      } else if (birth && envelope.sessionId === birth.sessionId) {
        if (birth.received)
          throw new CeremonyRefusedError('invalid-message', 'the ed25519 birth message was already received');
        birth.received = parseBirthMessage(envelope, edAccounts);
      } else {
        throw new CeremonyRefusedError('invalid-message', 'no sub-session of this ceremony has this session id');
      }
      if (!finished()) return { outgoing: out };
      return { outgoing: out, done: await complete() };
    },
    ...(sessionIds.length === 0 ? { completeAtStart: complete } : {}),
    dispose() {
      for (const d of dkgs.values()) {
        d.state = undefined;
        d.share = undefined;
      }
      if (birth) birth.received = undefined;
      if (taproot) {
        taproot.state = undefined;
        taproot.output = undefined;
      }
    },
  };

  /** The Taproot root just generated, or the one stored by an earlier wallet-create. */
  async function taprootRootOf(): Promise<{ share: FrostKeyShare; chainCode: string }> {
    if (taproot?.output) return { share: taproot.output.keyShare, chainCode: taproot.output.chainCode };
    const stored = await loadTaprootRoot(ctx.db, ctx.masterKeys, customerId);
    if (!stored) throw new CeremonyRefusedError('internal-error', 'the Taproot root disappeared');
    return { share: stored.stored.secret, chainCode: stored.chainCode };
  }

  /** The P2TR sibling of a Bitcoin wallet: internal key = child m/0/index of the root; address = BIP86 output. */
  function taprootWalletRow(
    p: PlannedWallet,
    root: { share: FrostKeyShare; chainCode: string },
    index: number,
  ): WalletRow {
    const derived = deriveTaprootKeyShare(root.share, root.chainCode, [0, index]);
    const address = bitcoinAddressFromPublicKey(
      fromHex(derived.internalPublicKey),
      'p2tr',
      bitcoinNetworkOf(p.blockchain),
    );
    // Our own share's output key and the address encoder's BIP86 tweak must agree before anything is stored.
    if (bitcoinWitnessProgram(address) !== derived.outputXOnly)
      throw new CeremonyRefusedError('internal-error', 'the P2TR address does not commit to the tweaked output key');
    return {
      ...p,
      derivationPath: `m/0/${index}`,
      publicKey: derived.internalPublicKey,
      address,
      addressType: 'p2tr',
    };
  }

  /** Everything is in: compute the wallets; persist keys + wallets in the driver's transaction. */
  async function complete(): Promise<CeremonyDone> {
    const roots = new Map<EcdsaFamily, Ecdsa2pKeyShare>();
    for (const d of dkgs.values()) roots.set(d.family, d.share as Ecdsa2pKeyShare);
    for (const family of ecdsaFamilies) {
      if (roots.has(family)) continue;
      const stored = await loadKeyShare<Ecdsa2pKeyShare>(
        ctx.db,
        ctx.masterKeys,
        customerId,
        ecdsaRootKeyId(customerId, family),
      );
      if (!stored) throw new CeremonyRefusedError('internal-error', `the ${family} root disappeared`);
      roots.set(family, stored.secret);
    }
    const taprootRoot = planned.some((p) => p.family === 'bitcoin') ? await taprootRootOf() : undefined;
    const existingWallets = await listCustomerWallets(ctx.db, customerId);
    // Next index per (blockchain, address type): P2WPKH and P2TR count separately, each under its root.
    // The first m/0/i not taken yet (for rows written in sequence, the number of rows).
    const nextIndex = (blockchain: string, addressType: BitcoinWalletAddressType | null) => {
      const taken = new Set(
        existingWallets
          .filter((w) => w.blockchain === blockchain && w.addressType === addressType)
          .map((w) => w.derivationPath),
      );
      let index = 0;
      while (taken.has(`m/0/${index}`)) index++;
      return index;
    };
    const walletRows = planned.flatMap((p): WalletRow[] => {
      if (p.family === 'evm' || p.family === 'bitcoin') {
        const root = roots.get(p.family) as Ecdsa2pKeyShare;
        const addressType: BitcoinWalletAddressType | null = p.family === 'bitcoin' ? 'p2wpkh' : null;
        const derivationPath = `m/0/${nextIndex(p.blockchain, addressType)}`;
        const derived = deriveNonHardened(Point.fromHex(root.publicKey), fromHex(root.chainCode), derivationPath);
        const publicKey = derived.publicKey.toBytes(true);
        const address =
          p.family === 'evm'
            ? evmAddressFromPublicKey(publicKey)
            : bitcoinAddressFromPublicKey(publicKey, 'p2wpkh', bitcoinNetworkOf(p.blockchain));
        const row = { ...p, derivationPath, publicKey: toHex(publicKey), address, addressType };
        if (p.family === 'evm' || !taprootRoot) return [row];
        return [row, taprootWalletRow(p, taprootRoot, nextIndex(p.blockchain, 'p2tr'))];
      }
      const account = birth?.received?.accounts.find((a) => a.chain === p.family);
      if (!account) throw new CeremonyRefusedError('internal-error', `no ${p.family} account was born`);
      return [
        {
          ...p,
          derivationPath: account.path,
          publicKey: account.publicKey,
          address: account.address,
          addressType: null,
        },
      ];
    });
    const received = birth?.received;
    const serverExportKeyPart = birth?.serverExportKeyPart;
    const createdIds: string[] = walletRows.map(() => crypto.randomUUID());
    return {
      result: {
        wallets: walletRows.map((w, i) => ({
          id: createdIds[i],
          blockchain: w.blockchain,
          address: w.address,
          publicKey: w.publicKey,
          derivationPath: w.derivationPath,
          addressType: w.addressType,
        })),
      },
      async persist(tx: Queryable) {
        const masterKey = ctx.masterKeys.current;
        const base = { organisationId, customerId, challengeId: ctx.challenge.id };
        for (const d of dkgs.values()) {
          const share = d.share as Ecdsa2pKeyShare;
          await insertKeyShare(tx, masterKey, {
            ...base,
            keyId: d.keyId,
            purpose: 'ecdsa2p-share',
            epoch: share.epoch,
            publicKey: share.publicKey,
            publicData: { family: d.family },
            secret: share,
          });
        }
        if (taproot?.output) {
          // The untweaked internal root; every P2TR wallet re-derives its output-key share from it.
          await insertKeyShare(tx, masterKey, {
            ...base,
            keyId: taproot.keyId,
            purpose: TAPROOT_ROOT_PURPOSE,
            epoch: 0,
            publicKey: taproot.output.groupPublicKey,
            publicData: { ...taprootRootPublicData(taproot.output.chainCode) },
            secret: taproot.output.keyShare,
          });
        }
        if (received && serverExportKeyPart) {
          await insertKeyShare(tx, masterKey, {
            ...base,
            keyId: exportKeyPartId(customerId),
            purpose: 'export-key-part',
            epoch: 0,
            publicKey: '',
            // The sealed mnemonic is useless without k_C and k_S; kept for export and new accounts.
            publicData: { sealedMnemonic: received.sealedMnemonic, version: ED25519_FAMILY_KEY_VERSION },
            secret: { exportKeyPart: serverExportKeyPart },
          });
          for (const a of received.accounts) {
            await insertKeyShare(tx, masterKey, {
              ...base,
              keyId: ed25519AccountKeyId(customerId, a.chain, a.index),
              purpose: 'ed25519-account-share',
              epoch: 0,
              publicKey: a.publicKey,
              publicData: { chain: a.chain, index: a.index, path: a.path, address: a.address },
              secret: a.keyShare,
            });
          }
        }
        for (const [i, w] of walletRows.entries()) {
          await insertWallet(tx, {
            id: createdIds[i],
            organisationId,
            customerId,
            blockchain: w.blockchain,
            address: w.address,
            publicKey: w.publicKey,
            derivationPath: w.derivationPath,
            keyFamily: w.family,
            name: w.name,
            refId: w.refId,
            challengeId: ctx.challenge.id,
          });
        }
      },
    };
  }
}

// ---------------------------------------------------------------------------------------------
// The ed25519 birth message (client → server, round 1)

interface BirthAccount {
  chain: Ed25519Family;
  index: number;
  path: string;
  publicKey: string;
  address: string;
  keyShare: FrostKeyShare;
}

interface BirthMessage {
  sealedMnemonic: SealedMnemonic;
  accounts: BirthAccount[];
}

function invalid(field: string, expected: string): InvalidMessageError {
  return new InvalidMessageError({ from: 'client', field, expected, round: 1 });
}

function exactKeys(value: unknown, keys: readonly string[], field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(field, 'an object');
  const obj = value as Record<string, unknown>;
  for (const k of Object.keys(obj)) if (!keys.includes(k)) throw invalid(`${field}.${k}`, 'no such field');
  for (const k of keys) if (!(k in obj)) throw invalid(`${field}.${k}`, 'a value (missing)');
  return obj;
}

/** Validates the birth message completely: shape, each server share, and the accounts we asked for. */
function parseBirthMessage(envelope: Envelope<unknown>, expected: Ed25519AccountRef[]): BirthMessage {
  if (envelope.protocol !== ED25519_BIRTH_PROTOCOL) throw invalid('protocol', ED25519_BIRTH_PROTOCOL);
  if (envelope.round !== 1) throw invalid('round', 'round 1');
  const payload = exactKeys(envelope.payload, ['sealedMnemonic', 'accounts'], 'payload');
  const sealed = exactKeys(payload.sealedMnemonic, ['v', 'alg', 'nonce', 'ciphertext'], 'payload.sealedMnemonic');
  if (sealed.v !== 1 || sealed.alg !== 'xchacha20poly1305' || !isHex(sealed.nonce, 24) || !isHex(sealed.ciphertext)) {
    throw invalid('payload.sealedMnemonic', 'an xchacha20poly1305 box (v 1, 24-byte nonce, hex ciphertext)');
  }
  const ciphertext = sealed.ciphertext as string;
  if (ciphertext.length < 2 * 16 || ciphertext.length > 2 * 1024)
    throw invalid('payload.sealedMnemonic.ciphertext', '16 to 1024 bytes');
  if (!Array.isArray(payload.accounts) || payload.accounts.length !== expected.length) {
    throw invalid('payload.accounts', `${expected.length} accounts`);
  }
  const accounts = payload.accounts.map((raw, i): BirthAccount => {
    const field = `payload.accounts[${i}]`;
    const a = exactKeys(raw, ['chain', 'index', 'path', 'publicKey', 'address', 'keyShare'], field);
    const ref = expected[i] as Ed25519AccountRef;
    if (a.chain !== ref.chain || a.index !== ref.index) throw invalid(field, `account ${ref.chain}/${ref.index}`);
    const path = ed25519AccountPath(ref);
    if (a.path !== path) throw invalid(`${field}.path`, path);
    if (!isHex(a.publicKey, 32)) throw invalid(`${field}.publicKey`, '32 bytes of hex');
    const publicKey = a.publicKey as string;
    const address = ref.chain === 'solana' ? base58.encode(fromHex(publicKey)) : publicKey;
    if (a.address !== address) throw invalid(`${field}.address`, 'the address of publicKey');
    const keyShare = a.keyShare as FrostKeyShare;
    try {
      assertValidKeyShare(keyShare, `${field}.keyShare`);
    } catch (error) {
      throw invalid(`${field}.keyShare`, `a valid FROST share (${(error as Error).message.slice(0, 200)})`);
    }
    if (keyShare.group !== 'ed25519' || keyShare.role !== 'server')
      throw invalid(`${field}.keyShare`, "the server's ed25519 share");
    if (keyShare.commitments[0] !== publicKey) throw invalid(`${field}.keyShare`, 'a share of publicKey');
    return { chain: ref.chain as Ed25519Family, index: ref.index, path, publicKey, address, keyShare };
  });
  return { sealedMnemonic: sealed as unknown as SealedMnemonic, accounts };
}
