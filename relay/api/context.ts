/** What the business-API routes need, built once by createApp. */
import type { Context } from 'hono';
import { clientIp } from '../audit/auth-failures.js';
import type { ChainFamilyLookup } from '../challenges/chains.js';
import type { Database } from '../db/database.js';
import type { AuthEnv } from '../http/auth.js';

/** The parts of the chain registry (relay/chains) that request validation needs. */
export interface ChainCatalog {
  get(chainId: string): { nativeDecimals: number } | undefined;
  /** Token by registry id (e.g. "ETH:USDC") or by contract/mint/account on that chain. */
  findToken(chainId: string, idOrAddress: string): { decimals: number } | undefined;
}

export interface ApiContext {
  db: Database;
  /** Public base URL of the relay (for /gateway links); the request's origin when unset. */
  publicUrl: string | undefined;
  chainFamily: ChainFamilyLookup;
  /** When present, token ids and amount precision are checked when the challenge is created. */
  chainCatalog?: ChainCatalog | undefined;
}

/** The audit actor and address of an API request. */
export function apiActor(c: Context<AuthEnv>): { actor: string; ip: string | undefined } {
  const organisation = c.get('organisation');
  return { actor: organisation.apiKeyId ? `api_key:${organisation.apiKeyId}` : 'api_key', ip: clientIp(c) };
}

export function publicBase(api: ApiContext, c: Context): string {
  return (api.publicUrl ?? new URL(c.req.url).origin).replace(/\/+$/, '');
}
