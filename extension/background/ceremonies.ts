/**
 * Round state of running MPC ceremonies, kept in `storage.session` after every round, so that a
 * service-worker restart in the middle of a ceremony resumes from the last stored round or fails
 * cleanly — never hangs (DESIGN.md §7). Protocol states are plain JSON by design (protocol/session.ts).
 *
 * Rules:
 * - every ceremony is addressed by id and tied to the approval it serves;
 * - rounds only move forward: storing a round at or below the stored one is refused, so a stale
 *   copy of a state (one-shot, style anchors §9.2) can never overwrite a newer one;
 * - records are validated when read back; a malformed record is dropped;
 * - `recover()` after a restart splits records into resumable ones and ones too old to resume
 *   (the relay will have timed them out), which the caller fails.
 */
import { isUuid } from './ids.js';
import { type Clock, createSerialExecutor, type StorageArea } from './storage-area.js';

export const CEREMONIES_KEY = 'tandem.ceremonies';
/** A protocol state larger than this is a bug (the largest, ECDSA DKG with OT pairing, is far below). */
export const MAX_STATE_BYTES = 1024 * 1024;

export interface CeremonyRecord {
  ceremonyId: string;
  approvalId: string;
  /** Protocol tag, e.g. 'ecdsa2p/sign', 'frost/dkg'. */
  protocol: string;
  /** The protocol session id (32-byte hex) once known. */
  sessionId: string | null;
  /** The last completed round. */
  round: number;
  /** The protocol's JSON-safe state after `round`. */
  state: unknown;
  startedAt: number;
  updatedAt: number;
}

export class CeremonyStoreError extends Error {
  override readonly name = 'CeremonyStoreError';
  readonly ceremonyId: string;
  constructor(ceremonyId: string, message: string) {
    super(message);
    this.ceremonyId = ceremonyId;
  }
}

export interface CeremonyStore {
  begin(record: Omit<CeremonyRecord, 'startedAt' | 'updatedAt'>): Promise<CeremonyRecord>;
  /** Stores the state after `round` (which must be above the stored round). */
  advance(ceremonyId: string, update: { round: number; state: unknown; sessionId?: string }): Promise<CeremonyRecord>;
  get(ceremonyId: string): Promise<CeremonyRecord | undefined>;
  /** Removes the record (ceremony finished or failed); its state, secrets included, is gone. */
  end(ceremonyId: string): Promise<void>;
  /** Removes every record of an approval (the approval was settled or rejected). */
  endForApproval(approvalId: string): Promise<CeremonyRecord[]>;
  recover(maxAgeMs: number): Promise<{ resumable: CeremonyRecord[]; stale: CeremonyRecord[] }>;
  /**
   * Removes every record and returns them. Called when a worker starts: the runner of any recorded
   * ceremony lived in the previous worker's memory, so the ceremony is interrupted and its secret
   * round state must not linger.
   */
  endAll(): Promise<CeremonyRecord[]>;
}

const ID_RE = /^[A-Za-z0-9_.:-]{1,128}$/;
const PROTOCOL_RE = /^[a-z0-9][a-z0-9./_-]{0,63}$/;
const SESSION_RE = /^[0-9a-f]{64}$/;

function parseRecord(value: unknown): CeremonyRecord | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const r = value as Record<string, unknown>;
  const keys = ['ceremonyId', 'approvalId', 'protocol', 'sessionId', 'round', 'state', 'startedAt', 'updatedAt'];
  if (Object.keys(r).length !== keys.length || !keys.every((k) => Object.hasOwn(r, k))) return undefined;
  if (typeof r.ceremonyId !== 'string' || !ID_RE.test(r.ceremonyId)) return undefined;
  if (!isUuid(r.approvalId)) return undefined;
  if (typeof r.protocol !== 'string' || !PROTOCOL_RE.test(r.protocol)) return undefined;
  if (r.sessionId !== null && (typeof r.sessionId !== 'string' || !SESSION_RE.test(r.sessionId))) return undefined;
  if (!Number.isSafeInteger(r.round) || (r.round as number) < 0) return undefined;
  if (!Number.isSafeInteger(r.startedAt) || !Number.isSafeInteger(r.updatedAt)) return undefined;
  if (r.state === undefined) return undefined;
  return r as unknown as CeremonyRecord;
}

function assertStateSize(ceremonyId: string, state: unknown): void {
  const text = JSON.stringify(state);
  if (text === undefined) throw new CeremonyStoreError(ceremonyId, 'the protocol state is not JSON');
  if (text.length > MAX_STATE_BYTES) {
    throw new CeremonyStoreError(ceremonyId, `the protocol state is ${text.length} chars, above ${MAX_STATE_BYTES}`);
  }
}

export function createCeremonyStore(deps: { session: StorageArea; clock: Clock }): CeremonyStore {
  const serial = createSerialExecutor();

  async function load(): Promise<Map<string, CeremonyRecord>> {
    const stored = (await deps.session.get(CEREMONIES_KEY))[CEREMONIES_KEY];
    const records = new Map<string, CeremonyRecord>();
    if (typeof stored === 'object' && stored !== null && !Array.isArray(stored)) {
      for (const value of Object.values(stored)) {
        const record = parseRecord(value);
        if (record) records.set(record.ceremonyId, record);
      }
    }
    return records;
  }

  async function save(records: Map<string, CeremonyRecord>): Promise<void> {
    await deps.session.set({ [CEREMONIES_KEY]: Object.fromEntries(records) });
  }

  return {
    begin: (input) =>
      serial(async () => {
        const now = deps.clock();
        const record: CeremonyRecord = { ...input, startedAt: now, updatedAt: now };
        if (!parseRecord(record)) throw new CeremonyStoreError(String(input.ceremonyId), 'malformed ceremony record');
        assertStateSize(record.ceremonyId, record.state);
        const records = await load();
        if (records.has(record.ceremonyId)) {
          throw new CeremonyStoreError(record.ceremonyId, 'a ceremony with this id is already running');
        }
        records.set(record.ceremonyId, record);
        await save(records);
        return record;
      }),
    advance: (ceremonyId, update) =>
      serial(async () => {
        const records = await load();
        const current = records.get(ceremonyId);
        if (!current) throw new CeremonyStoreError(ceremonyId, 'no running ceremony has this id');
        if (!Number.isSafeInteger(update.round) || update.round <= current.round) {
          throw new CeremonyStoreError(
            ceremonyId,
            `round ${update.round} does not follow the stored round ${current.round} (stale or replayed state)`,
          );
        }
        assertStateSize(ceremonyId, update.state);
        const next: CeremonyRecord = {
          ...current,
          round: update.round,
          state: update.state,
          sessionId: update.sessionId ?? current.sessionId,
          updatedAt: deps.clock(),
        };
        if (!parseRecord(next)) throw new CeremonyStoreError(ceremonyId, 'malformed ceremony update');
        records.set(ceremonyId, next);
        await save(records);
        return next;
      }),
    get: (ceremonyId) => serial(async () => (await load()).get(ceremonyId)),
    end: (ceremonyId) =>
      serial(async () => {
        const records = await load();
        if (records.delete(ceremonyId)) await save(records);
      }),
    endForApproval: (approvalId) =>
      serial(async () => {
        const records = await load();
        const ended = [...records.values()].filter((r) => r.approvalId === approvalId);
        for (const r of ended) records.delete(r.ceremonyId);
        if (ended.length > 0) await save(records);
        return ended;
      }),
    endAll: () =>
      serial(async () => {
        const records = [...(await load()).values()];
        await deps.session.remove(CEREMONIES_KEY);
        return records;
      }),
    recover: (maxAgeMs) =>
      serial(async () => {
        const records = [...(await load()).values()];
        const now = deps.clock();
        return {
          resumable: records.filter((r) => now - r.updatedAt <= maxAgeMs),
          stale: records.filter((r) => now - r.updatedAt > maxAgeMs),
        };
      }),
  };
}
