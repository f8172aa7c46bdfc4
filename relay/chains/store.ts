/**
 * The transactions table: insert at build time, status moves with their webhook in the same
 * transaction (so a committed status change always has its `transaction.*` event queued), and reads
 * for the API.
 */
import { randomUUID } from 'node:crypto';
import type { FeeLevel } from '../../protocol/chains/types.js';
import type { UnsignedTransaction } from '../../protocol/chains/unsigned.js';
import type { Queryable } from '../db/database.js';
import type { Pagination } from '../http/pagination.js';
import type { WebhookEvent } from '../webhooks/events.js';
import { enqueueWebhookEvent } from '../webhooks/outbox.js';

export type TransactionStatus = 'pending' | 'signed' | 'broadcast' | 'confirmed' | 'failed';
export type TransactionOperation = 'transfer' | 'contract-execution';

export interface TransactionRecord {
  id: string;
  customerId: string;
  walletId: string;
  challengeId: string | null;
  blockchain: string;
  operation: TransactionOperation;
  status: TransactionStatus;
  sourceAddress: string;
  destinationAddress: string;
  contractAddress: string | null;
  tokenAddress: string | null;
  tokenId: string | null;
  /** Decimal amount in display units (as the API received it), and its symbol. */
  amounts: string[];
  symbol: string;
  feeLevel: FeeLevel;
  /** Maximum network fee in display units of the native asset. */
  networkFee: string;
  abiFunctionSignature: string | null;
  refId: string | null;
  txHash: string | null;
  blockNumber: number | null;
  errorReason: string | null;
  signedAt: string | null;
  broadcastAt: string | null;
  confirmedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface TransactionRow {
  id: string;
  organisation_id: string;
  customer_id: string;
  wallet_id: string;
  challenge_id: string | null;
  blockchain: string;
  operation: TransactionOperation;
  status: TransactionStatus;
  source_address: string;
  destination_address: string;
  contract_address: string | null;
  token_address: string | null;
  token_id: string | null;
  amount: string;
  symbol: string;
  fee_level: FeeLevel;
  network_fee: string;
  abi_function_signature: string | null;
  ref_id: string | null;
  unsigned_tx: UnsignedTransaction | string;
  raw_tx: string | null;
  tx_hash: string | null;
  block_number: string | number | null;
  error_reason: string | null;
  check_attempts: number;
  signed_at: Date | string | null;
  broadcast_at: Date | string | null;
  confirmed_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

export function toRecord(row: TransactionRow): TransactionRecord {
  return {
    id: row.id,
    customerId: row.customer_id,
    walletId: row.wallet_id,
    challengeId: row.challenge_id,
    blockchain: row.blockchain,
    operation: row.operation,
    status: row.status,
    sourceAddress: row.source_address,
    destinationAddress: row.destination_address,
    contractAddress: row.contract_address,
    tokenAddress: row.token_address,
    tokenId: row.token_id,
    amounts: [row.amount],
    symbol: row.symbol,
    feeLevel: row.fee_level,
    networkFee: row.network_fee,
    abiFunctionSignature: row.abi_function_signature,
    refId: row.ref_id,
    txHash: row.tx_hash,
    blockNumber: row.block_number === null ? null : Number(row.block_number),
    errorReason: row.error_reason,
    signedAt: iso(row.signed_at),
    broadcastAt: iso(row.broadcast_at),
    confirmedAt: iso(row.confirmed_at),
    createdAt: iso(row.created_at) as string,
    updatedAt: iso(row.updated_at) as string,
  };
}

export function unsignedOf(row: TransactionRow): UnsignedTransaction {
  return typeof row.unsigned_tx === 'string' ? (JSON.parse(row.unsigned_tx) as UnsignedTransaction) : row.unsigned_tx;
}

export interface NewTransaction {
  organisationId: string;
  customerId: string;
  walletId: string;
  challengeId: string | undefined;
  blockchain: string;
  operation: TransactionOperation;
  sourceAddress: string;
  destinationAddress: string;
  contractAddress: string | undefined;
  tokenAddress: string | undefined;
  tokenId: string | undefined;
  amount: string;
  symbol: string;
  feeLevel: FeeLevel;
  networkFee: string;
  abiFunctionSignature: string | undefined;
  refId: string | undefined;
  unsigned: UnsignedTransaction;
}

/** Webhook data: what a business needs to follow the transaction, never the raw bytes. */
function eventData(r: TransactionRecord): Record<string, unknown> {
  return {
    transactionId: r.id,
    status: r.status,
    blockchain: r.blockchain,
    walletId: r.walletId,
    customerId: r.customerId,
    challengeId: r.challengeId,
    operation: r.operation,
    txHash: r.txHash,
    ...(r.errorReason ? { errorReason: r.errorReason } : {}),
    ...(r.blockNumber !== null ? { blockNumber: r.blockNumber } : {}),
    ...(r.refId ? { refId: r.refId } : {}),
  };
}

async function announce(
  tx: Queryable,
  organisationId: string,
  event: WebhookEvent,
  record: TransactionRecord,
): Promise<void> {
  await enqueueWebhookEvent(tx, { organisationId, event, data: eventData(record) });
}

export async function insertTransaction(tx: Queryable, t: NewTransaction): Promise<TransactionRow> {
  const r = await tx.query<TransactionRow>(
    `INSERT INTO transactions (id, organisation_id, customer_id, wallet_id, challenge_id, blockchain, operation,
        source_address, destination_address, contract_address, token_address, token_id, amount, symbol, fee_level,
        network_fee, abi_function_signature, ref_id, unsigned_tx)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19) RETURNING *`,
    [
      randomUUID(),
      t.organisationId,
      t.customerId,
      t.walletId,
      t.challengeId ?? null,
      t.blockchain,
      t.operation,
      t.sourceAddress,
      t.destinationAddress,
      t.contractAddress ?? null,
      t.tokenAddress ?? null,
      t.tokenId ?? null,
      t.amount,
      t.symbol,
      t.feeLevel,
      t.networkFee,
      t.abiFunctionSignature ?? null,
      t.refId ?? null,
      JSON.stringify(t.unsigned),
    ],
  );
  const row = r.rows[0] as TransactionRow;
  await announce(tx, t.organisationId, 'transaction.created', toRecord(row));
  return row;
}

export async function getTransactionRow(
  db: Queryable,
  id: string,
  forUpdate = false,
): Promise<TransactionRow | undefined> {
  const r = await db.query<TransactionRow>(
    `SELECT * FROM transactions WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return r.rows[0];
}

export async function getTransactionByChallenge(
  db: Queryable,
  challengeId: string,
): Promise<TransactionRow | undefined> {
  const r = await db.query<TransactionRow>('SELECT * FROM transactions WHERE challenge_id = $1', [challengeId]);
  return r.rows[0];
}

export async function getTransaction(
  db: Queryable,
  organisationId: string,
  id: string,
): Promise<TransactionRecord | undefined> {
  const r = await db.query<TransactionRow>('SELECT * FROM transactions WHERE organisation_id = $1 AND id = $2', [
    organisationId,
    id,
  ]);
  return r.rows[0] ? toRecord(r.rows[0]) : undefined;
}

/**
 * Moves a transaction from one of `from` to `to`, setting the given columns, and queues the matching
 * webhook in the same database transaction. Returns undefined when the row was not in `from` (another
 * worker moved it first), so each transition happens once.
 */
export async function transition(
  tx: Queryable,
  id: string,
  from: TransactionStatus[],
  to: TransactionStatus,
  set: {
    rawTx?: string;
    txHash?: string;
    blockNumber?: number | undefined;
    errorReason?: string;
    nextCheckSeconds?: number;
  } = {},
): Promise<TransactionRecord | undefined> {
  const r = await tx.query<TransactionRow>(
    `UPDATE transactions SET status = $3,
        raw_tx = COALESCE($4, raw_tx),
        tx_hash = COALESCE($5, tx_hash),
        block_number = COALESCE($6, block_number),
        error_reason = COALESCE($7, error_reason),
        next_check_at = CASE WHEN $3 IN ('signed', 'broadcast') THEN now() + make_interval(secs => $8) ELSE NULL END,
        signed_at = CASE WHEN $3 = 'signed' THEN now() ELSE signed_at END,
        broadcast_at = CASE WHEN $3 = 'broadcast' THEN now() ELSE broadcast_at END,
        confirmed_at = CASE WHEN $3 = 'confirmed' THEN now() ELSE confirmed_at END,
        updated_at = now()
      WHERE id = $1 AND status = ANY($2::text[]) RETURNING *`,
    [
      id,
      from,
      to,
      set.rawTx ?? null,
      set.txHash ?? null,
      set.blockNumber ?? null,
      set.errorReason ?? null,
      set.nextCheckSeconds ?? 0,
    ],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  const record = toRecord(row);
  await announce(tx, row.organisation_id, `transaction.${to}` as WebhookEvent, record);
  return record;
}

/**
 * Claims up to `limit` rows due for a check (signed: to (re)broadcast; broadcast: to poll), pushing
 * their next check `leaseSeconds` ahead so another worker or instance does not take them meanwhile.
 */
export async function claimDueTransactions(
  db: Queryable,
  limit: number,
  leaseSeconds: number,
): Promise<TransactionRow[]> {
  const r = await db.query<TransactionRow>(
    `UPDATE transactions SET next_check_at = now() + make_interval(secs => $2), check_attempts = check_attempts + 1
      WHERE id IN (
        SELECT id FROM transactions
         WHERE status IN ('signed', 'broadcast') AND next_check_at <= now()
         ORDER BY next_check_at LIMIT $1)
        AND status IN ('signed', 'broadcast')
      RETURNING *`,
    [limit, leaseSeconds],
  );
  return r.rows;
}

/** Sets when a still-pending transaction is looked at again. */
export async function scheduleNextCheck(db: Queryable, id: string, seconds: number): Promise<void> {
  await db.query(
    `UPDATE transactions SET next_check_at = now() + make_interval(secs => $2) WHERE id = $1 AND status IN ('signed', 'broadcast')`,
    [id, seconds],
  );
}

export interface TransactionFilters {
  blockchain?: string | undefined;
  status?: TransactionStatus | undefined;
  operation?: TransactionOperation | undefined;
  walletIds?: string[] | undefined;
  customerId?: string | undefined;
  txHash?: string | undefined;
  destinationAddress?: string | undefined;
  contractAddress?: string | undefined;
  refId?: string | undefined;
}

export async function listTransactions(
  db: Queryable,
  organisationId: string,
  page: Pagination & TransactionFilters,
): Promise<{ transactions: TransactionRecord[]; total: number }> {
  const direction = page.order === 'asc' ? 'ASC' : 'DESC';
  const where = ['organisation_id = $1'];
  const params: unknown[] = [organisationId];
  const add = (sql: (p: string) => string, value: unknown) => {
    if (value === undefined) return;
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  add((p) => `blockchain = ${p}`, page.blockchain);
  add((p) => `status = ${p}`, page.status);
  add((p) => `operation = ${p}`, page.operation);
  add((p) => `wallet_id::text = ANY(${p}::text[])`, page.walletIds);
  add((p) => `customer_id::text = ${p}`, page.customerId);
  add((p) => `tx_hash = ${p}`, page.txHash);
  add((p) => `lower(destination_address) = lower(${p})`, page.destinationAddress);
  add((p) => `lower(contract_address) = lower(${p})`, page.contractAddress);
  add((p) => `ref_id = ${p}`, page.refId);
  const filter = where.join(' AND ');
  const [rows, count] = await Promise.all([
    db.query<TransactionRow>(
      `SELECT * FROM transactions WHERE ${filter} ORDER BY created_at ${direction}, id ${direction}
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, page.limit, (page.page - 1) * page.limit],
    ),
    db.query<{ n: number | string }>(`SELECT count(*)::int AS n FROM transactions WHERE ${filter}`, params),
  ]);
  return { transactions: rows.rows.map(toRecord), total: Number(count.rows[0]?.n ?? 0) };
}
