/**
 * Every message the background accepts, as an explicit table keyed by the literal `type` (style
 * anchors §9.3): each entry names the only context allowed to send it and a strict schema (unknown
 * keys refused). Nothing is dispatched by a name taken from the message itself.
 *
 * Contexts:
 * - `extension-page`: our own pages (Gateway window, popup), `sender.url` on the extension's origin;
 * - `content-script`: our content script in a web page tab; it may only ask to open the Gateway for
 *   a challenge, and the relay origin is taken from `sender`, never from the message.
 */
import { z } from 'zod';
import type { ActivityOverview, BalancesOverview } from './account-overview.js';
import type { Approval } from './approvals.js';
import type { ChallengeReadResult } from './challenge-reader.js';
import type { ExportedKeys } from './flows/export-keys.js';
import { isUuid } from './ids.js';
import type { LockStatus } from './lock.js';
import type { Settings } from './settings.js';

/** A recovery method set up during onboarding. */
export type RecoveryMethod = 'kit' | 'questions' | 'email';

const uuid = z.string().refine(isUuid, 'expected a lowercase UUID');

export const MESSAGE_SCHEMAS = {
  status: z.strictObject({ type: z.literal('status') }),
  'gateway.open': z.strictObject({ type: z.literal('gateway.open'), challengeId: uuid }),
  'approval.get': z.strictObject({ type: z.literal('approval.get'), approvalId: uuid }),
  'approval.reject': z.strictObject({ type: z.literal('approval.reject'), approvalId: uuid }),
  'approvals.pending': z.strictObject({ type: z.literal('approvals.pending') }),
  'gateway.show': z.strictObject({ type: z.literal('gateway.show') }),
  /** The user approved with their PIN (for `initialize`: the newly chosen PIN, already confirmed). */
  'approval.approve': z.strictObject({
    type: z.literal('approval.approve'),
    approvalId: uuid,
    pin: z.string().regex(/^[0-9]{6}$/, 'expected 6 digits'),
  }),
  'challenge.read': z.strictObject({ type: z.literal('challenge.read'), approvalId: uuid }),
  /** Onboarding (`initialize`), step 1: the newly chosen PIN, already confirmed in the Gateway. */
  'onboarding.pin': z.strictObject({
    type: z.literal('onboarding.pin'),
    approvalId: uuid,
    pin: z.string().regex(/^[0-9]{6}$/, 'expected 6 digits'),
  }),
  /**
   * A `recovery` challenge, step 1: the current PIN unlocks the bundle the new recovery copies wrap;
   * then the `onboarding.kit`/`questions`/`email` steps and `onboarding.complete` as at onboarding.
   */
  'recovery.unlock': z.strictObject({
    type: z.literal('recovery.unlock'),
    approvalId: uuid,
    pin: z.string().regex(/^[0-9]{6}$/, 'expected 6 digits'),
  }),
  /** A new recovery kit code (shown once); its copy is stored on `onboarding.kit.saved`. */
  'onboarding.kit': z.strictObject({ type: z.literal('onboarding.kit'), approvalId: uuid }),
  'onboarding.kit.saved': z.strictObject({ type: z.literal('onboarding.kit.saved'), approvalId: uuid }),
  'onboarding.questions': z.strictObject({
    type: z.literal('onboarding.questions'),
    approvalId: uuid,
    questions: z.array(z.string().min(1).max(200)).length(3),
    answers: z.array(z.string().min(1).max(200)).length(3),
  }),
  'onboarding.email': z.strictObject({
    type: z.literal('onboarding.email'),
    approvalId: uuid,
    email: z
      .string()
      .max(254)
      .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'expected an email address'),
  }),
  'onboarding.email.code': z.strictObject({
    type: z.literal('onboarding.email.code'),
    approvalId: uuid,
    code: z.string().regex(/^[0-9]{6}$/, 'expected the 6-digit code'),
  }),
  'onboarding.complete': z.strictObject({ type: z.literal('onboarding.complete'), approvalId: uuid }),
  'settings.get': z.strictObject({ type: z.literal('settings.get') }),
  'settings.update': z.strictObject({
    type: z.literal('settings.update'),
    relayUrl: z.string().max(2048).optional(),
    autoLockMinutes: z.number().optional(),
  }),
  /** update-pin, step 1: the current PIN. */
  'pin-change.current': z.strictObject({
    type: z.literal('pin-change.current'),
    approvalId: uuid,
    pin: z.string().regex(/^[0-9]{6}$/, 'expected 6 digits'),
  }),
  /** reset-pin: which recovery methods exist (and the security questions' prompts). */
  'pin-change.options': z.strictObject({ type: z.literal('pin-change.options'), approvalId: uuid }),
  'pin-change.answers': z.strictObject({
    type: z.literal('pin-change.answers'),
    approvalId: uuid,
    answers: z.array(z.string().min(1).max(200)).length(3),
  }),
  'pin-change.email': z.strictObject({ type: z.literal('pin-change.email'), approvalId: uuid }),
  /** The emailed code; without it, asks again once the relay's time lock is over. */
  'pin-change.email.code': z.strictObject({
    type: z.literal('pin-change.email.code'),
    approvalId: uuid,
    code: z
      .string()
      .regex(/^[0-9]{6}$/, 'expected the 6-digit code')
      .optional(),
  }),
  'pin-change.kit': z.strictObject({
    type: z.literal('pin-change.kit'),
    approvalId: uuid,
    code: z.string().min(1).max(100),
  }),
  /** update-pin and reset-pin, last step: the new PIN, already confirmed in the Gateway. */
  'pin-change.new': z.strictObject({
    type: z.literal('pin-change.new'),
    approvalId: uuid,
    pin: z.string().regex(/^[0-9]{6}$/, 'expected 6 digits'),
  }),
  'lock.status': z.strictObject({ type: z.literal('lock.status') }),
  'lock.lock': z.strictObject({ type: z.literal('lock.lock') }),
  'accounts.list': z.strictObject({ type: z.literal('accounts.list') }),
  /** The popup: this customer's wallets with balances, asked of the relay as this device. */
  'account.balances': z.strictObject({ type: z.literal('account.balances') }),
  /** The popup: this customer's recent challenges and transactions. */
  'account.activity': z.strictObject({ type: z.literal('account.activity') }),
  /** After an approved export: the rebuilt keys, handed to the Gateway window once (flows/export.ts). */
  'export.take': z.strictObject({ type: z.literal('export.take'), approvalId: uuid }),
} as const;

export type MessageType = keyof typeof MESSAGE_SCHEMAS;
export type BackgroundRequest = { [T in MessageType]: z.infer<(typeof MESSAGE_SCHEMAS)[T]> }[MessageType];
export type RequestOf<T extends MessageType> = Extract<BackgroundRequest, { type: T }>;

export type SenderContext = 'extension-page' | 'content-script';

/** Who may send each message type. */
export const MESSAGE_SENDERS: Record<MessageType, SenderContext> = {
  status: 'extension-page',
  'gateway.open': 'content-script',
  'approval.get': 'extension-page',
  'approval.reject': 'extension-page',
  'approvals.pending': 'extension-page',
  'gateway.show': 'extension-page',
  'approval.approve': 'extension-page',
  'challenge.read': 'extension-page',
  'onboarding.pin': 'extension-page',
  'recovery.unlock': 'extension-page',
  'onboarding.kit': 'extension-page',
  'onboarding.kit.saved': 'extension-page',
  'onboarding.questions': 'extension-page',
  'onboarding.email': 'extension-page',
  'onboarding.email.code': 'extension-page',
  'onboarding.complete': 'extension-page',
  'settings.get': 'extension-page',
  'settings.update': 'extension-page',
  'pin-change.current': 'extension-page',
  'pin-change.options': 'extension-page',
  'pin-change.answers': 'extension-page',
  'pin-change.email': 'extension-page',
  'pin-change.email.code': 'extension-page',
  'pin-change.kit': 'extension-page',
  'pin-change.new': 'extension-page',
  'lock.status': 'extension-page',
  'lock.lock': 'extension-page',
  'accounts.list': 'extension-page',
  'account.balances': 'extension-page',
  'account.activity': 'extension-page',
  'export.take': 'extension-page',
};

/** One account row for the popup (filled by wallet creation in a later step). */
export interface AccountView {
  chain: 'evm' | 'bitcoin' | 'solana' | 'near';
  address: string;
  label: string;
}

/** What each message answers on success (the `ok: true` fields). */
export interface ResponseData {
  status: { version: string; bootCount: number };
  'gateway.open': { approvalId: string };
  'approval.get': { approval: Approval };
  'approval.reject': Record<string, never>;
  'approvals.pending': { count: number };
  'gateway.show': { shown: boolean };
  'approval.approve': { result: Record<string, unknown> };
  'challenge.read': { challenge: ChallengeReadResult };
  'onboarding.pin': Record<string, never>;
  /** The recovery copies the relay already holds (a new one replaces the old). */
  'recovery.unlock': { existing: RecoveryMethod[] };
  'onboarding.kit': { code: string };
  'onboarding.kit.saved': { methods: RecoveryMethod[] };
  'onboarding.questions': { methods: RecoveryMethod[] };
  'onboarding.email': Record<string, never>;
  'onboarding.email.code': { methods: RecoveryMethod[] };
  'onboarding.complete': { result: Record<string, unknown> };
  'settings.get': { settings: Settings };
  'settings.update': { settings: Settings };
  'pin-change.current': Record<string, never>;
  'pin-change.options': { methods: RecoveryMethod[]; questions: string[] | null };
  'pin-change.answers': Record<string, never>;
  'pin-change.email': { sentTo: string; releaseDelayMs: number };
  'pin-change.email.code': { released: boolean; releaseAt?: string };
  'pin-change.kit': Record<string, never>;
  'pin-change.new': { result: Record<string, unknown> };
  'lock.status': { lock: LockStatus };
  'lock.lock': { lock: LockStatus };
  'accounts.list': { accounts: AccountView[] };
  'account.balances': { overview: BalancesOverview };
  'account.activity': { overview: ActivityOverview };
  'export.take': { keys: ExportedKeys };
}

/** Why a message was refused before any handler ran, or what the handler reported. */
export type ErrorCode =
  | 'not-an-object'
  | 'unknown-type'
  | 'invalid-fields'
  | 'foreign-sender'
  | 'wrong-context'
  | 'unknown-approval'
  | 'invalid-setting'
  /** The flow for this kind is not built yet (or cannot run: relay missing a capability). */
  | 'not-available'
  /** The PIN guard refused the PIN; `attemptsLeft` says how many tries remain. */
  | 'wrong-pin'
  /** Too many wrong PINs: the customer must reset the PIN through a recovery method. */
  | 'pin-locked'
  /** The relay could not be reached or refused the flow for another reason; trying again may help. */
  | 'relay-failed'
  /** An emailed code was wrong, expired or used up; `message` says which. */
  | 'wrong-code'
  /** Node 1 refused to go on (what the relay asked does not match what was approved, or a step is missing). */
  | 'refused'
  | 'internal';

export type ErrorResponse = {
  ok: false;
  error: { code: ErrorCode; message: string; field?: string; attemptsLeft?: number };
};
export type SuccessResponse<T extends MessageType> = { ok: true } & ResponseData[T];
export type BackgroundResponse<T extends MessageType> = SuccessResponse<T> | ErrorResponse;

/** Kept for the popup's first status line. */
export type StatusResponse = SuccessResponse<'status'>;

export class MessageRefusedError extends Error {
  override readonly name = 'MessageRefusedError';
  readonly code: ErrorCode;
  readonly field: string | undefined;
  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

/** The parts of `chrome.runtime.MessageSender` the checks read. */
export interface MessageSenderInfo {
  id?: string;
  url?: string;
  origin?: string;
  tab?: { id?: number };
}

/** Which context sent a message, or a refusal when it is not our extension at all. */
export function senderContext(sender: MessageSenderInfo, extensionId: string): SenderContext {
  if (sender.id !== extensionId) {
    throw new MessageRefusedError('foreign-sender', 'messages are accepted only from this extension');
  }
  const pageOrigin = `chrome-extension://${extensionId}`;
  if (typeof sender.url === 'string' && sender.url.startsWith(`${pageOrigin}/`)) return 'extension-page';
  if (sender.tab && typeof sender.url === 'string' && /^https?:\/\//.test(sender.url)) return 'content-script';
  throw new MessageRefusedError('foreign-sender', 'the sender is neither an extension page nor a web page tab');
}

/**
 * Parses `value` against the table and checks that `context` may send it.
 * @throws MessageRefusedError with code not-an-object | unknown-type | invalid-fields | wrong-context.
 */
export function parseBackgroundRequest(value: unknown, context: SenderContext): BackgroundRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MessageRefusedError('not-an-object', 'expected a message object');
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(MESSAGE_SCHEMAS, type)) {
    throw new MessageRefusedError('unknown-type', `unknown message type ${JSON.stringify(type)}`, 'type');
  }
  const messageType = type as MessageType;
  if (MESSAGE_SENDERS[messageType] !== context) {
    throw new MessageRefusedError(
      'wrong-context',
      `${messageType} is accepted only from ${MESSAGE_SENDERS[messageType]}, not from ${context}`,
      'type',
    );
  }
  const parsed = MESSAGE_SCHEMAS[messageType].safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field =
      issue?.code === 'unrecognized_keys' ? String(issue.keys[0]) : issue?.path.map(String).join('.') || 'message';
    throw new MessageRefusedError('invalid-fields', `${messageType}: ${issue?.message ?? 'invalid'}`, field);
  }
  return parsed.data as BackgroundRequest;
}
