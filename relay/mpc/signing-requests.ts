/**
 * What Node 2 signs for a challenge, computed by Node 2 itself from the challenge's approved
 * payload (DESIGN.md §3): the client never supplies the digest. The per-chain encodings come from
 * protocol/chains; this file only maps a challenge kind and its wallet to those functions.
 */
import {
  evmMessageBytes,
  personalSignDigest,
  type TypedData,
  typedDataDigest,
} from '../../protocol/chains/evm/messages.js';
import type { ChainSignature, SigningRequest } from '../../protocol/chains/types.js';
import type { Challenge } from '../challenges/store.js';
import type { Queryable } from '../db/database.js';
import { getWalletById, type Wallet } from '../wallets/store.js';
import { CeremonyRefusedError } from './errors.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ResolvedSigning {
  wallet: Wallet & { organisationId: string };
  requests: SigningRequest[];
  /** JSON-safe object the requests derive from (sent to Node 1 so it recomputes them), when known. */
  signable?: Record<string, unknown>;
  /** Verifies/assembles (and for transfers broadcasts); returns the challenge result. */
  complete?: (signatures: ChainSignature[]) => Promise<Record<string, unknown>>;
}

/**
 * The chain layer's resolver (relay/chains/challenge-signing.ts `challengeSigning`), injected by the
 * relay so Node 2 serves every signing kind on every configured chain. Without it Node 2 falls back to
 * its own sign-message / sign-typed-data mapping below.
 */
export type ChainSigningResolver = (
  challenge: Challenge,
  wallet: Wallet & { organisationId: string },
) => Promise<{
  requests: SigningRequest[];
  signable: Record<string, unknown>;
  complete(signatures: ChainSignature[]): Promise<Record<string, unknown>>;
}>;

function refuse(detail: string): never {
  throw new CeremonyRefusedError('bad-params', detail);
}

/**
 * The signing requests of a claimed challenge. Refuses (bad-params) when the payload has no wallet
 * of this customer, or when the kind/chain is one Node 2 cannot yet derive a digest for.
 */
export async function resolveSigningRequests(
  db: Queryable,
  challenge: Challenge,
  chainSigning?: ChainSigningResolver,
): Promise<ResolvedSigning> {
  const payload = challenge.payload;
  if (!payload) refuse('the challenge payload was pruned');
  const walletId = payload.walletId;
  if (typeof walletId !== 'string' || !UUID_RE.test(walletId)) refuse('the approved payload names no wallet');
  const wallet = await getWalletById(db, walletId);
  if (!wallet || wallet.customerId !== challenge.customerId)
    refuse("the approved payload's wallet is not this customer's");
  if (chainSigning) {
    try {
      const resolved = await chainSigning(challenge, wallet);
      return { wallet, requests: resolved.requests, signable: resolved.signable, complete: resolved.complete };
    } catch (error) {
      if (error instanceof CeremonyRefusedError) throw error;
      return refuse(`Node 2 cannot derive what to sign: ${(error as Error).message}`);
    }
  }

  switch (challenge.kind) {
    case 'sign-message': {
      const message = payload.message;
      if (typeof message !== 'string') refuse('the approved payload has no message');
      if (wallet.keyFamily === 'evm') {
        const bytes = payload.encodedByHex === true ? hexMessage(message) : evmMessageBytes(message);
        return {
          wallet,
          requests: [
            {
              scheme: 'ecdsa-secp256k1',
              keyFamily: 'evm',
              digest: personalSignDigest(bytes),
              derivationPath: wallet.derivationPath,
            },
          ],
        };
      }
      if (wallet.keyFamily === 'solana') {
        const bytes = payload.encodedByHex === true ? hexMessage(message) : new TextEncoder().encode(message);
        return {
          wallet,
          requests: [
            {
              scheme: 'ed25519',
              keyFamily: 'solana',
              message: bytes,
              account: accountIndex(wallet),
              derivationPath: wallet.derivationPath,
            },
          ],
        };
      }
      return refuse(`message signing for ${wallet.keyFamily} wallets is not supported yet`);
    }
    case 'sign-typed-data': {
      if (wallet.keyFamily !== 'evm') refuse('typed data is signed by EVM wallets only');
      let typedData: TypedData;
      try {
        typedData = (
          typeof payload.typedData === 'string' ? JSON.parse(payload.typedData) : payload.typedData
        ) as TypedData;
      } catch {
        return refuse('the approved typedData is not JSON');
      }
      let digest: Uint8Array;
      try {
        digest = typedDataDigest(typedData);
      } catch (error) {
        return refuse(`the approved typedData does not encode: ${(error as Error).message}`);
      }
      return {
        wallet,
        requests: [{ scheme: 'ecdsa-secp256k1', keyFamily: 'evm', digest, derivationPath: wallet.derivationPath }],
      };
    }
    default:
      return refuse(`Node 2 cannot derive what to sign for ${challenge.kind} challenges yet`);
  }
}

function hexMessage(message: string): Uint8Array {
  const text = message.startsWith('0x') ? message.slice(2) : message;
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(text)) refuse('encodedByHex is set but the message is not hex');
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

function accountIndex(wallet: Wallet): number {
  const m = /^m\/44'\/(?:501|397)'\/(\d+)'/.exec(wallet.derivationPath);
  if (!m) refuse(`wallet derivation path ${wallet.derivationPath} is not an ed25519 account path`);
  return Number(m[1]);
}
