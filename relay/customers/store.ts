/**
 * Customer records: the identity that owns a customer's wallets, scoped to one organisation.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.js';
import { conflict } from '../http/api-error.js';
import type { Pagination } from '../http/pagination.js';

export interface Customer {
  id: string;
  name: string;
  refId: string;
  hasPin: boolean;
  hasRecovery: boolean;
  locked: boolean;
  createdAt: string;
}

interface CustomerRow {
  id: string;
  name: string;
  ref_id: string;
  has_pin: boolean;
  has_recovery: boolean;
  locked: boolean;
  created_at: Date | string;
}

const COLUMNS = 'id, name, ref_id, has_pin, has_recovery, locked, created_at';

function toCustomer(row: CustomerRow): Customer {
  return {
    id: row.id,
    name: row.name,
    refId: row.ref_id,
    hasPin: row.has_pin,
    hasRecovery: row.has_recovery,
    locked: row.locked,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function createCustomer(
  db: Queryable,
  organisationId: string,
  input: { name: string; refId: string },
): Promise<Customer> {
  const r = await db.query<CustomerRow>(
    `INSERT INTO customers (id, organisation_id, name, ref_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (organisation_id, ref_id) DO NOTHING
       RETURNING ${COLUMNS}`,
    [randomUUID(), organisationId, input.name, input.refId],
  );
  const row = r.rows[0];
  if (!row) throw conflict(`a customer with refId "${input.refId}" already exists in this organisation`);
  return toCustomer(row);
}

export async function getCustomer(db: Queryable, organisationId: string, id: string): Promise<Customer | undefined> {
  const r = await db.query<CustomerRow>(`SELECT ${COLUMNS} FROM customers WHERE organisation_id = $1 AND id = $2`, [
    organisationId,
    id,
  ]);
  return r.rows[0] ? toCustomer(r.rows[0]) : undefined;
}

export async function listCustomers(
  db: Queryable,
  organisationId: string,
  page: Pagination,
): Promise<{ customers: Customer[]; total: number }> {
  const direction = page.order === 'asc' ? 'ASC' : 'DESC';
  const [rows, count] = await Promise.all([
    db.query<CustomerRow>(
      `SELECT ${COLUMNS} FROM customers WHERE organisation_id = $1
        ORDER BY created_at ${direction}, id ${direction} LIMIT $2 OFFSET $3`,
      [organisationId, page.limit, (page.page - 1) * page.limit],
    ),
    db.query<{ n: number | string }>('SELECT count(*)::int AS n FROM customers WHERE organisation_id = $1', [
      organisationId,
    ]),
  ]);
  return { customers: rows.rows.map(toCustomer), total: Number(count.rows[0]?.n ?? 0) };
}
