/**
 * Node 2's Taproot root (DESIGN.md §3, mpc-design §2.1.3–§2.1.4): one FROST secp256k1 DKG per
 * customer gives an *untweaked* internal root key; each P2TR wallet is the non-hardened BIP32 child
 * `m/0/i` of it with the BIP86 TapTweak on top (protocol/frost/tweak.ts `deriveTaprootKeyShare`), so
 * both parties hold shares of the output key Q without ever tweaking the root itself.
 *
 * Stored as one `frost-share` row: the sealed secret is the plain FrostKeyShare (so share refresh
 * replaces it like any other FROST share), the joint chain code is public data (with the root public
 * key it is the xpub, as public as the addresses it derives).
 */
import { parseDerivationPath } from '../../protocol/ecdsa2p/derivation.js';
import { deriveTaprootKeyShare, type FrostKeyShare, type TaprootKeyShare } from '../../protocol/frost/index.js';
import type { MasterKeyRing } from '../crypto/master-key.js';
import type { Queryable } from '../db/database.js';
import { CeremonyRefusedError } from './errors.js';
import { taprootRootKeyId } from './key-ids.js';
import { loadKeyShare, type StoredKeyShare } from './key-shares.js';

export const TAPROOT_ROOT_PURPOSE = 'frost-share' as const;

export interface TaprootRoot {
  stored: StoredKeyShare<FrostKeyShare>;
  chainCode: string;
}

/** Public data of the root row. */
export interface TaprootRootPublicData {
  family: 'bitcoin';
  scheme: 'bip340';
  chainCode: string;
}

export function taprootRootPublicData(chainCode: string): TaprootRootPublicData {
  return { family: 'bitcoin', scheme: 'bip340', chainCode };
}

/** The customer's Taproot root, or undefined before their first Bitcoin wallet-create. */
export async function loadTaprootRoot(
  db: Queryable,
  keys: MasterKeyRing,
  customerId: string,
): Promise<TaprootRoot | undefined> {
  const stored = await loadKeyShare<FrostKeyShare>(db, keys, customerId, taprootRootKeyId(customerId));
  if (!stored) return undefined;
  const chainCode = stored.publicData.chainCode;
  if (stored.purpose !== TAPROOT_ROOT_PURPOSE || typeof chainCode !== 'string' || !/^[0-9a-f]{64}$/.test(chainCode))
    throw new CeremonyRefusedError('internal-error', 'the stored Taproot root is malformed');
  return { stored, chainCode };
}

/**
 * The wallet's output-key share: BIP32 child along the wallet's non-hardened path, then the BIP86
 * TapTweak. Refuses a wallet whose internal key is not that child of this root.
 */
export function taprootWalletShare(
  rootShare: FrostKeyShare,
  chainCode: string,
  wallet: { publicKey: string; derivationPath: string },
): TaprootKeyShare {
  let derived: TaprootKeyShare;
  try {
    derived = deriveTaprootKeyShare(rootShare, chainCode, parseDerivationPath(wallet.derivationPath));
  } catch (error) {
    throw new CeremonyRefusedError(
      'no-key',
      `the wallet path ${wallet.derivationPath.slice(0, 40)} is not a Taproot child (${(error as Error).message.slice(0, 120)})`,
    );
  }
  // Wallet rows keep the compressed internal key; accept an x-only one too (32 bytes).
  const matches =
    wallet.publicKey.length === 64
      ? wallet.publicKey === derived.internalXOnly
      : wallet.publicKey === derived.internalPublicKey;
  if (!matches)
    throw new CeremonyRefusedError('no-key', "the wallet's key is not a child of the customer's Taproot root");
  return derived;
}
