/**
 * Ceremony 'export' (DESIGN.md §4.3): for an `export-private-keys` challenge, after the PIN is
 * verified, Node 2 releases its shares and k_S to the Gateway over the authenticated channel; the
 * Gateway reconstructs every key and builds the CSV locally (it never reaches the relay or the
 * business).
 *
 * PIN verification: the Gateway runs the PIN guard's evaluate step as usual, then sends the proof
 * (`params.pin = { nonce, proof }`) with session.start instead of to the HTTP verify route; Node 2
 * calls the guard's `verify` itself, so the release and the PIN check cannot be separated. A wrong PIN
 * counts as a failure at the guard (and locks after 5); the ceremony is refused and audited.
 *
 * The secrets travel in one 'export/release' envelope (never in session.done or the challenge result,
 * which the business sees); the challenge result only says what was released.
 */
import { isHex, toHex } from '../../../protocol/bytes.js';
import type { Ecdsa2pKeyShare } from '../../../protocol/ecdsa2p/index.js';
import type { FrostKeyShare } from '../../../protocol/frost/index.js';
import { WIRE_VERSION } from '../../../protocol/session.js';
import { recordGuardLock } from '../../recovery/guard-lock.js';
import { listCustomerWallets } from '../../wallets/store.js';
import { CeremonyRefusedError } from '../errors.js';
import { exportKeyPartId, taprootRootKeyId } from '../key-ids.js';
import { listKeyShares, loadKeyShare } from '../key-shares.js';
import { loadTaprootRoot, TAPROOT_ROOT_PURPOSE } from '../taproot.js';
import type { CeremonyContext, CeremonyHandler, CeremonyRun } from './types.js';

export const EXPORT_CEREMONY = 'export';
export const EXPORT_RELEASE_PROTOCOL = 'export/release';

export const exportKeysHandler: CeremonyHandler = {
  name: EXPORT_CEREMONY,
  protocols: [EXPORT_RELEASE_PROTOCOL],
  challengeKinds: ['export-private-keys'],
  start: startExport,
};

async function startExport(ctx: CeremonyContext): Promise<CeremonyRun> {
  const { customerId } = ctx.challenge;
  const pin = ctx.params.pin as { nonce?: unknown; proof?: unknown } | undefined;
  if (!pin || typeof pin !== 'object' || !isHex(pin.nonce, 32) || !isHex(pin.proof, 64)) {
    throw new CeremonyRefusedError('bad-params', 'params.pin must be { nonce: 32-byte hex, proof: 64-byte hex }');
  }
  if (!ctx.pinGuard) throw new CeremonyRefusedError('internal-error', 'no PIN guard is configured');
  const verdict = await ctx.pinGuard.verify({ customerId, purpose: 'pin', nonce: pin.nonce, proof: pin.proof });
  if (verdict.status !== 'ok') {
    await ctx.audit('mpc.export.pin_refused', { status: verdict.status });
    if (verdict.status === 'locked') await recordGuardLock(ctx.db, ctx.challenge, 'pin', verdict.lockedOut);
    const left = verdict.status === 'wrong' ? `; ${verdict.attemptsRemaining} attempts left` : '';
    throw new CeremonyRefusedError(
      verdict.status === 'locked' ? 'pin-locked' : 'pin-refused',
      `the PIN was not verified (${verdict.status}${left})`,
    );
  }

  const release: {
    ecdsa: unknown[];
    ed25519: unknown[];
    taproot: unknown[];
    exportKeyPart: string | null;
    sealedMnemonic: unknown;
    /** Public: which addresses exist, at which paths, so the Gateway can name every CSV row. */
    wallets: unknown[];
  } = {
    ecdsa: [],
    ed25519: [],
    taproot: [],
    exportKeyPart: null,
    sealedMnemonic: null,
    wallets: (await listCustomerWallets(ctx.db, customerId)).map((w) => ({
      blockchain: w.blockchain,
      address: w.address,
      derivationPath: w.derivationPath,
      keyFamily: w.keyFamily,
      addressType: w.addressType,
    })),
  };
  for (const k of await listKeyShares(ctx.db, customerId)) {
    if (k.purpose === 'ecdsa2p-share') {
      const s = (await loadKeyShare<Ecdsa2pKeyShare>(ctx.db, ctx.masterKeys, customerId, k.keyId))?.secret;
      // Only what reconstruction needs: x_S, the joint key and the chain code (not the OT correlations).
      if (s) {
        release.ecdsa.push({
          keyId: k.keyId,
          family: k.publicData.family,
          epoch: s.epoch,
          publicKey: s.publicKey,
          chainCode: s.chainCode,
          secretShare: s.secretShare,
        });
      }
    } else if (k.purpose === 'ed25519-account-share') {
      const s = (await loadKeyShare<FrostKeyShare>(ctx.db, ctx.masterKeys, customerId, k.keyId))?.secret;
      if (s) release.ed25519.push({ keyId: k.keyId, ...k.publicData, publicKey: k.publicKey, keyShare: s });
    } else if (k.purpose === TAPROOT_ROOT_PURPOSE && k.keyId === taprootRootKeyId(customerId)) {
      // The untweaked root share and chain code: the Gateway adds the client share, then BIP32 along
      // each P2TR wallet's path gives the *internal* key UniSat imports (DESIGN.md §4.3).
      const root = await loadTaprootRoot(ctx.db, ctx.masterKeys, customerId);
      if (root) {
        release.taproot.push({
          keyId: k.keyId,
          family: 'bitcoin',
          publicKey: k.publicKey,
          chainCode: root.chainCode,
          keyShare: root.stored.secret,
        });
      }
    } else if (k.purpose === 'export-key-part' && k.keyId === exportKeyPartId(customerId)) {
      const s = (await loadKeyShare<{ exportKeyPart: string }>(ctx.db, ctx.masterKeys, customerId, k.keyId))?.secret;
      release.exportKeyPart = s?.exportKeyPart ?? null;
      release.sealedMnemonic = k.publicData.sealedMnemonic ?? null;
    }
  }
  if (release.ecdsa.length === 0 && release.ed25519.length === 0 && release.taproot.length === 0) {
    throw new CeremonyRefusedError('no-key', 'the customer has no keys to export');
  }
  const sessionId = toHex(ctx.rng(32));
  const envelope = {
    v: WIRE_VERSION,
    protocol: EXPORT_RELEASE_PROTOCOL,
    sessionId,
    round: 1,
    from: 'server' as const,
    payload: release,
  };
  const summary = {
    ecdsaKeys: release.ecdsa.length,
    ed25519Accounts: release.ed25519.length,
    taprootKeys: release.taproot.length,
    exportKeyPart: release.exportKeyPart !== null,
  };
  return {
    protocol: EXPORT_RELEASE_PROTOCOL,
    sessionIds: [sessionId],
    readyParams: { sessionId },
    outgoing: [envelope],
    async receive() {
      throw new CeremonyRefusedError('invalid-message', 'the export release expects no client message');
    },
    async completeAtStart() {
      await ctx.audit('mpc.export.released', summary);
      return { result: { exported: summary } };
    },
    dispose() {
      release.ecdsa = [];
      release.ed25519 = [];
      release.taproot = [];
      release.exportKeyPart = null;
    },
  };
}
