/**
 * Customer wallets: one row per address. The MPC code inserts them when a wallet-create ceremony
 * finishes, in the same transaction as the key material (insertWallet queues `wallet.created` and an
 * audit entry in that transaction too); the business API reads them and edits their metadata.
 */
import { randomUUID } from 'node:crypto';
import { audit } from '../audit/log.js';
import type { Queryable } from '../db/database.js';
import type { Pagination } from '../http/pagination.js';
import { enqueueWebhookEvent } from '../webhooks/outbox.js';

export type WalletKeyFamily = 'evm' | 'bitcoin' | 'solana' | 'near';

/**
 * How a Bitcoin wallet's address spends: `p2wpkh` (BIP84-style SegWit v0, ECDSA under the DKLs23 root)
 * or `p2tr` (BIP86 key-path Taproot, BIP340 under the FROST root). Null for other families.
 */
export type BitcoinWalletAddressType = 'p2wpkh' | 'p2tr';

export interface Wallet {
  id: string;
  customerId: string;
  blockchain: string;
  address: string;
  publicKey: string;
  derivationPath: string;
  keyFamily: WalletKeyFamily;
  /** Bitcoin only (null elsewhere): which of the customer's two Bitcoin keys and scripts the address uses. */
  addressType: BitcoinWalletAddressType | null;
  accountType: 'eoa';
  name: string | null;
  refId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface InsertWalletParameters {
  organisationId: string;
  customerId: string;
  blockchain: string;
  address: string;
  /** Hex (compressed secp256k1, x-only for Taproot, or 32-byte ed25519). */
  publicKey: string;
  derivationPath: string;
  keyFamily: WalletKeyFamily;
  name?: string | undefined;
  refId?: string | undefined;
  /** The wallet-create challenge this came from, recorded in the audit entry. */
  challengeId?: string | undefined;
  /** Defaults to a fresh UUID. */
  id?: string | undefined;
}

interface WalletRow {
  id: string;
  customer_id: string;
  blockchain: string;
  address: string;
  public_key: string;
  derivation_path: string;
  key_family: WalletKeyFamily;
  account_type: 'eoa';
  name: string | null;
  ref_id: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const COLUMNS =
  'id, customer_id, blockchain, address, public_key, derivation_path, key_family, account_type, name, ref_id, created_at, updated_at';

/**
 * The address type follows from the address itself (SegWit v1 bech32m `…1p…` is P2TR; every other
 * Bitcoin address we create is P2WPKH), so it is computed on read and never disagrees with the row.
 */
export function walletAddressType(keyFamily: WalletKeyFamily, address: string): BitcoinWalletAddressType | null {
  if (keyFamily !== 'bitcoin') return null;
  return /^(?:bc|tb|bcrt)1p/i.test(address) ? 'p2tr' : 'p2wpkh';
}

function toWallet(row: WalletRow): Wallet {
  return {
    id: row.id,
    customerId: row.customer_id,
    blockchain: row.blockchain,
    address: row.address,
    publicKey: row.public_key,
    derivationPath: row.derivation_path,
    keyFamily: row.key_family,
    addressType: walletAddressType(row.key_family, row.address),
    accountType: row.account_type,
    name: row.name,
    refId: row.ref_id,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** Inserts a wallet and queues `wallet.created`. Call it inside the transaction that stores the keys. */
export async function insertWallet(tx: Queryable, params: InsertWalletParameters): Promise<Wallet> {
  const r = await tx.query<WalletRow>(
    `INSERT INTO wallets (id, organisation_id, customer_id, blockchain, address, public_key, derivation_path,
                          key_family, name, ref_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
    [
      params.id ?? randomUUID(),
      params.organisationId,
      params.customerId,
      params.blockchain,
      params.address,
      params.publicKey,
      params.derivationPath,
      params.keyFamily,
      params.name ?? null,
      params.refId ?? null,
    ],
  );
  const wallet = toWallet(r.rows[0] as WalletRow);
  await audit(tx, {
    organisationId: params.organisationId,
    customerId: params.customerId,
    actor: 'system',
    action: 'wallet.created',
    target: `wallet:${wallet.id}`,
    details: { blockchain: wallet.blockchain, address: wallet.address, challengeId: params.challengeId },
  });
  await enqueueWebhookEvent(tx, {
    organisationId: params.organisationId,
    event: 'wallet.created',
    data: { ...wallet, ...(params.challengeId ? { challengeId: params.challengeId } : {}) },
  });
  return wallet;
}

export async function getWallet(db: Queryable, organisationId: string, id: string): Promise<Wallet | undefined> {
  const r = await db.query<WalletRow>(`SELECT ${COLUMNS} FROM wallets WHERE organisation_id = $1 AND id = $2`, [
    organisationId,
    id,
  ]);
  return r.rows[0] ? toWallet(r.rows[0]) : undefined;
}

/** A wallet by id without an organisation check: for Node 2, which has already authenticated the customer. */
export async function getWalletById(
  db: Queryable,
  id: string,
): Promise<(Wallet & { organisationId: string }) | undefined> {
  const r = await db.query<WalletRow & { organisation_id: string }>(
    `SELECT ${COLUMNS}, organisation_id FROM wallets WHERE id = $1`,
    [id],
  );
  const row = r.rows[0];
  return row ? { ...toWallet(row), organisationId: row.organisation_id } : undefined;
}

export interface WalletFilters {
  customerId?: string | undefined;
  blockchain?: string | undefined;
  address?: string | undefined;
  refId?: string | undefined;
}

export async function listWallets(
  db: Queryable,
  organisationId: string,
  page: Pagination & WalletFilters,
): Promise<{ wallets: Wallet[]; total: number }> {
  const direction = page.order === 'asc' ? 'ASC' : 'DESC';
  const where = ['organisation_id = $1'];
  const params: unknown[] = [organisationId];
  const add = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    params.push(value);
    where.push(`${column} = $${params.length}`);
  };
  add('customer_id', page.customerId);
  add('blockchain', page.blockchain);
  add('ref_id', page.refId);
  if (page.address !== undefined) {
    // EVM addresses compare case-insensitively (checksum casing); others are case-sensitive.
    params.push(page.address);
    where.push(`(address = $${params.length} OR (key_family = 'evm' AND lower(address) = lower($${params.length})))`);
  }
  const filter = where.join(' AND ');
  const [rows, count] = await Promise.all([
    db.query<WalletRow>(
      `SELECT ${COLUMNS} FROM wallets WHERE ${filter}
        ORDER BY created_at ${direction}, id ${direction} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, page.limit, (page.page - 1) * page.limit],
    ),
    db.query<{ n: number | string }>(`SELECT count(*)::int AS n FROM wallets WHERE ${filter}`, params),
  ]);
  return { wallets: rows.rows.map(toWallet), total: Number(count.rows[0]?.n ?? 0) };
}

/** Every wallet of one customer, oldest first (export, wallet-create index). */
export async function listCustomerWallets(db: Queryable, customerId: string): Promise<Wallet[]> {
  const r = await db.query<WalletRow>(`SELECT ${COLUMNS} FROM wallets WHERE customer_id = $1 ORDER BY created_at, id`, [
    customerId,
  ]);
  return r.rows.map(toWallet);
}

/** Sets name and/or refId (null clears); undefined when the wallet is not the organisation's. */
export async function updateWalletMetadata(
  db: Queryable,
  organisationId: string,
  id: string,
  metadata: { name?: string | null | undefined; refId?: string | null | undefined },
): Promise<Wallet | undefined> {
  const r = await db.query<WalletRow>(
    `UPDATE wallets SET
        name = CASE WHEN $3 THEN $4 ELSE name END,
        ref_id = CASE WHEN $5 THEN $6 ELSE ref_id END,
        updated_at = now()
      WHERE organisation_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [
      organisationId,
      id,
      metadata.name !== undefined,
      metadata.name ?? null,
      metadata.refId !== undefined,
      metadata.refId ?? null,
    ],
  );
  return r.rows[0] ? toWallet(r.rows[0]) : undefined;
}
