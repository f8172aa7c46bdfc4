/**
 * What the relay announces for a `wallet-create` ceremony (docs/api/mpc.md) and Node 1's first
 * messages for it that do not depend on the transport: the ed25519 birth (the family is born here,
 * DESIGN.md §3) and the Taproot root's FROST DKG start. Shared by the extension's flow and the scripted
 * Node 1 of the integration tests (tests/helpers/node1.ts), so both speak the same wire.
 */
import { fromHex } from '../../../protocol/bytes.js';
import {
  birthEd25519Family,
  type Ed25519BirthResult,
  type FrostDkgStep,
  startFrostDkg,
} from '../../../protocol/frost/index.js';
import type { Rng } from '../../../protocol/rng.js';
import type { Envelope } from '../../../protocol/session.js';

export interface EcdsaDkgAnnouncement {
  family: 'evm' | 'bitcoin';
  keyId: string;
  sessionId: string;
}

export interface Ed25519BirthAnnouncement {
  sessionId: string;
  protocol: string;
  accounts: { chain: 'solana' | 'near'; index: number }[];
  exportContext: { customerId: string; keyId: string; version: number };
  /** k_S, 32-byte hex: the relay's half of the export key, sealed into the mnemonic box. */
  serverExportKeyPart: string;
}

export interface TaprootDkgAnnouncement {
  keyId: string;
  ceremonyId: string;
  sessionId: string;
  protocol: string;
  group: 'secp256k1';
}

export interface WalletCreateParams {
  ecdsa: EcdsaDkgAnnouncement[];
  ed25519: Ed25519BirthAnnouncement | null;
  taproot?: TaprootDkgAnnouncement | null;
}

export class WalletCreateParamsError extends Error {
  override readonly name = 'WalletCreateParamsError';
}

const HEX32 = /^[0-9a-f]{64}$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates `session.ready.params` of wallet-create; throws WalletCreateParamsError naming the field. */
export function parseWalletCreateParams(value: unknown): WalletCreateParams {
  if (!isObject(value)) throw new WalletCreateParamsError('params: not an object');
  if (!Array.isArray(value.ecdsa)) throw new WalletCreateParamsError('params.ecdsa: not a list');
  value.ecdsa.forEach((d: unknown, i) => {
    if (!isObject(d) || (d.family !== 'evm' && d.family !== 'bitcoin'))
      throw new WalletCreateParamsError(`params.ecdsa.${i}.family: expected evm or bitcoin`);
    if (typeof d.keyId !== 'string' || d.keyId.length === 0)
      throw new WalletCreateParamsError(`params.ecdsa.${i}.keyId: missing`);
    if (typeof d.sessionId !== 'string' || !HEX32.test(d.sessionId))
      throw new WalletCreateParamsError(`params.ecdsa.${i}.sessionId: expected 32-byte hex`);
  });
  const ed = value.ed25519 ?? null;
  if (ed !== null) {
    if (!isObject(ed)) throw new WalletCreateParamsError('params.ed25519: not an object');
    if (typeof ed.sessionId !== 'string' || !HEX32.test(ed.sessionId))
      throw new WalletCreateParamsError('params.ed25519.sessionId: expected 32-byte hex');
    if (typeof ed.serverExportKeyPart !== 'string' || !HEX32.test(ed.serverExportKeyPart))
      throw new WalletCreateParamsError('params.ed25519.serverExportKeyPart: expected 32-byte hex');
    if (typeof ed.protocol !== 'string' || !Array.isArray(ed.accounts) || !isObject(ed.exportContext))
      throw new WalletCreateParamsError('params.ed25519: protocol, accounts and exportContext are required');
  }
  const taproot = value.taproot ?? null;
  if (taproot !== null) {
    if (!isObject(taproot) || taproot.group !== 'secp256k1' || typeof taproot.protocol !== 'string')
      throw new WalletCreateParamsError('params.taproot: expected a secp256k1 FROST DKG');
    if (typeof taproot.sessionId !== 'string' || !HEX32.test(taproot.sessionId))
      throw new WalletCreateParamsError('params.taproot.sessionId: expected 32-byte hex');
    if (typeof taproot.keyId !== 'string' || typeof taproot.ceremonyId !== 'string')
      throw new WalletCreateParamsError('params.taproot: keyId and ceremonyId are required');
  }
  return value as unknown as WalletCreateParams;
}

/** The birth message's payload: the server's FROST share of each account and the sealed mnemonic. */
export interface BirthPayload {
  sealedMnemonic: Ed25519BirthResult['sealedMnemonic'];
  accounts: Ed25519BirthResult['server']['accounts'];
}

/** Births the ed25519 family with the relay's k_S; the payload goes to the relay, `birth.client` into the bundle. */
export function startEd25519Birth(
  announcement: Ed25519BirthAnnouncement,
  rng: Rng,
): { birth: Ed25519BirthResult; payload: BirthPayload } {
  const birth = birthEd25519Family({
    context: announcement.exportContext,
    rng,
    accounts: announcement.accounts,
    serverExportKeyPart: fromHex(announcement.serverExportKeyPart),
  });
  return { birth, payload: { sealedMnemonic: birth.sealedMnemonic, accounts: birth.server.accounts } };
}

export function birthEnvelope(announcement: Ed25519BirthAnnouncement, payload: BirthPayload): Envelope<BirthPayload> {
  return {
    v: 1,
    protocol: announcement.protocol,
    sessionId: announcement.sessionId,
    round: 1,
    from: 'client',
    payload,
  };
}

/**
 * Starts Node 1's side of the Taproot root's FROST DKG. The session id follows from key id and
 * ceremony id, so it must be the one the relay announced.
 */
export function startTaprootDkg(announcement: TaprootDkgAnnouncement, rng: Rng): FrostDkgStep {
  const step = startFrostDkg({
    role: 'client',
    group: 'secp256k1',
    keyId: announcement.keyId,
    ceremonyId: announcement.ceremonyId,
    rng,
  });
  if (step.outgoing[0]?.sessionId !== announcement.sessionId) {
    throw new WalletCreateParamsError('params.taproot.sessionId: not the session id its key and ceremony ids give');
  }
  return step;
}
