/**
 * The approval queue: every request that needs the user (business challenges now, dApp requests
 * later) waits here, in arrival order, and is shown one at a time in the single Gateway window.
 *
 * Invariants (after Rabby's "Wallet Security Invariants", style anchors §6):
 * - every approval is addressed by its id; nothing resolves "whatever is pending";
 * - at most one Gateway window exists; a new request focuses it instead of opening another;
 * - closing the window rejects the request it shows (EIP-1193 4001) and moves on to the next;
 * - the queue lives in `storage.session`, so it survives a service-worker restart, and it is
 *   validated when reloaded: a malformed stored item is dropped, never trusted;
 * - mutations run one after another (a serial executor), so two events never interleave their
 *   read-modify-write of the stored queue.
 */
import { isUuid } from './ids.js';
import { type Clock, createSerialExecutor, type StorageArea } from './storage-area.js';

export const APPROVALS_KEY = 'tandem.approvals';
const STORED_VERSION = 1;

/** A relay challenge the user was sent to by a business (DESIGN.md §5). */
export interface BusinessChallengeRequest {
  kind: 'business-challenge';
  /** Origin of the relay page that named the challenge (from the sender, never from the page's words). */
  relayOrigin: string;
  challengeId: string;
  /** The tab that showed the relay's /gateway page; it is sent to `returnUrl` when the request settles. */
  tabId: number | null;
  /** The business's return URL, filled in from the relay's challenge read (null until then). */
  returnUrl: string | null;
}

/**
 * A request from a web page through the injected providers (EIP-1193, Solana Wallet Standard). The
 * providers arrive in a later step; the shape is here so both kinds share one queue, one window and one
 * reject path. DESIGN.md §5: Node 1 turns an approved dApp request into a challenge for its customer.
 */
export interface DappRequest {
  kind: 'dapp-request';
  /** The requesting page's origin, taken from the message sender (never from the page's words). */
  origin: string;
  tabId: number | null;
  /** The provider method, e.g. 'personal_sign', 'eth_sendTransaction', 'solana:signMessage'. */
  method: string;
  /** The method's params as JSON, already validated by the method's own schema. */
  params: unknown;
}

/** Largest dApp params kept in the queue (JSON characters); the providers refuse bigger requests first. */
export const MAX_DAPP_PARAMS_CHARS = 128 * 1024;

/** Every kind of request the queue holds; the queue logic does not depend on the kind. */
export type ApprovalRequest = BusinessChallengeRequest | DappRequest;

export interface Approval {
  id: string;
  createdAt: number;
  request: ApprovalRequest;
}

/** EIP-1193 provider error codes the queue produces. */
export const USER_REJECTED = 4001;

export type ApprovalOutcome =
  | { status: 'approved'; result: Record<string, unknown> }
  | { status: 'rejected'; error: { code: typeof USER_REJECTED; message: string } }
  | { status: 'failed'; error: { code: number; message: string } };

/** The outcome when the user closes the Gateway window or presses Reject. */
export function userRejected(message = 'User rejected the request.'): ApprovalOutcome {
  return { status: 'rejected', error: { code: USER_REJECTED, message } };
}

/** The Gateway window, as the queue needs it; the Chrome adapter is in gateway-window.ts. */
export interface GatewayWindows {
  /** Opens a popup window at `url`; returns its window id. */
  open(url: string): Promise<number>;
  /** Shows `url` in the window's tab. */
  navigate(windowId: number, url: string): Promise<void>;
  /** Brings the window to the front; false when it no longer exists. */
  focus(windowId: number): Promise<boolean>;
  close(windowId: number): Promise<void>;
}

export interface Badge {
  setCount(count: number): Promise<void>;
}

export type SettledListener = (approval: Approval, outcome: ApprovalOutcome) => void | Promise<void>;

export interface ApprovalQueue {
  /**
   * Adds a request and shows the Gateway window (opening it, or focusing the one already open).
   * A business challenge already queued (same relay origin and challenge id, e.g. the page was
   * reloaded) is not added twice: the existing approval is returned with the newer tab id.
   */
  enqueue(request: ApprovalRequest): Promise<Approval>;
  get(id: string): Promise<Approval | undefined>;
  /** Pending approvals, oldest first. */
  list(): Promise<Approval[]>;
  /** Records the business return URL of a queued business challenge. */
  setReturnUrl(id: string, returnUrl: string): Promise<Approval>;
  /**
   * Ends the approval `id` with `outcome`; throws UnknownApprovalError when no such approval waits.
   * `keepWindowOpen`: when nothing else waits, the Gateway window is forgotten instead of closed, so it
   * can show the result (new addresses, "signed") until the user closes it; closing it then rejects nothing.
   */
  settle(id: string, outcome: ApprovalOutcome, options?: { keepWindowOpen?: boolean }): Promise<Approval>;
  /** Call from `windows.onRemoved`: rejects the approval the closed Gateway window was showing. */
  handleWindowRemoved(windowId: number): Promise<void>;
  /** Brings the Gateway window forward (opening it if needed) when approvals wait; false when none do. */
  show(): Promise<boolean>;
  onSettled(listener: SettledListener): void;
}

export class UnknownApprovalError extends Error {
  override readonly name = 'UnknownApprovalError';
  readonly approvalId: string;
  constructor(approvalId: string) {
    super(`no pending approval has id ${JSON.stringify(approvalId)}`);
    this.approvalId = approvalId;
  }
}

interface QueueState {
  items: Approval[];
  /** The Gateway window and the approval it shows, or null when no window is open. */
  window: { windowId: number; approvalId: string } | null;
}

export interface ApprovalQueueDependencies {
  /** `chrome.storage.session`. */
  storage: StorageArea;
  windows: GatewayWindows;
  badge: Badge;
  clock: Clock;
  newId: () => string;
  /** The Gateway page URL for one approval, e.g. `chrome-extension://<id>/gateway.html#<approvalId>`. */
  gatewayUrl: (approvalId: string) => string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasExactKeys(value: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((k) => Object.hasOwn(value, k));
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function isOrigin(value: unknown): value is string {
  return isHttpUrl(value) && new URL(value).origin === value;
}

function parseRequest(value: unknown): ApprovalRequest | undefined {
  if (!isPlainObject(value)) return undefined;
  if (value.kind === 'business-challenge') {
    if (!hasExactKeys(value, ['kind', 'relayOrigin', 'challengeId', 'tabId', 'returnUrl'])) return undefined;
    if (!isOrigin(value.relayOrigin) || !isUuid(value.challengeId)) return undefined;
    if (value.tabId !== null && !(Number.isSafeInteger(value.tabId) && (value.tabId as number) >= 0)) return undefined;
    if (value.returnUrl !== null && !isHttpUrl(value.returnUrl)) return undefined;
    return {
      kind: 'business-challenge',
      relayOrigin: value.relayOrigin,
      challengeId: value.challengeId,
      tabId: value.tabId as number | null,
      returnUrl: value.returnUrl as string | null,
    };
  }
  if (value.kind === 'dapp-request') {
    if (!hasExactKeys(value, ['kind', 'origin', 'tabId', 'method', 'params'])) return undefined;
    if (!isOrigin(value.origin)) return undefined;
    if (value.tabId !== null && !(Number.isSafeInteger(value.tabId) && (value.tabId as number) >= 0)) return undefined;
    if (typeof value.method !== 'string' || !/^[A-Za-z0-9_:.-]{1,64}$/.test(value.method)) return undefined;
    const params = JSON.stringify(value.params);
    if (params === undefined || params.length > MAX_DAPP_PARAMS_CHARS) return undefined;
    return {
      kind: 'dapp-request',
      origin: value.origin,
      tabId: value.tabId as number | null,
      method: value.method,
      params: JSON.parse(params),
    };
  }
  return undefined;
}

/** One stored approval, or undefined when anything about it is off (it is then dropped). */
export function parseStoredApproval(value: unknown): Approval | undefined {
  if (!isPlainObject(value) || !hasExactKeys(value, ['id', 'createdAt', 'request'])) return undefined;
  if (!isUuid(value.id) || !Number.isSafeInteger(value.createdAt)) return undefined;
  const request = parseRequest(value.request);
  return request && { id: value.id, createdAt: value.createdAt as number, request };
}

/** The stored queue; a malformed item is dropped, a malformed whole gives an empty queue. */
export function parseStoredQueue(value: unknown): QueueState {
  const empty: QueueState = { items: [], window: null };
  if (!isPlainObject(value) || value.v !== STORED_VERSION || !Array.isArray(value.items)) return empty;
  const seen = new Set<string>();
  const items: Approval[] = [];
  for (const raw of value.items) {
    const item = parseStoredApproval(raw);
    if (item && !seen.has(item.id)) {
      seen.add(item.id);
      items.push(item);
    }
  }
  items.sort((a, b) => a.createdAt - b.createdAt);
  let window: QueueState['window'] = null;
  const w = value.window;
  if (
    isPlainObject(w) &&
    hasExactKeys(w, ['windowId', 'approvalId']) &&
    Number.isSafeInteger(w.windowId) &&
    typeof w.approvalId === 'string' &&
    seen.has(w.approvalId)
  ) {
    window = { windowId: w.windowId as number, approvalId: w.approvalId };
  }
  return { items, window };
}

/** A business challenge is queued once (its page may be reloaded); every dApp request is its own. */
function sameChallenge(a: ApprovalRequest, b: ApprovalRequest): boolean {
  return (
    a.kind === 'business-challenge' &&
    b.kind === 'business-challenge' &&
    a.relayOrigin === b.relayOrigin &&
    a.challengeId === b.challengeId
  );
}

export function createApprovalQueue(deps: ApprovalQueueDependencies): ApprovalQueue {
  const serial = createSerialExecutor();
  const listeners: SettledListener[] = [];
  let cached: QueueState | undefined;

  async function load(): Promise<QueueState> {
    if (!cached) {
      const stored = (await deps.storage.get(APPROVALS_KEY))[APPROVALS_KEY];
      cached = parseStoredQueue(stored);
    }
    return cached;
  }

  async function save(state: QueueState): Promise<void> {
    cached = state;
    await deps.storage.set({ [APPROVALS_KEY]: { v: STORED_VERSION, items: state.items, window: state.window } });
    await deps.badge.setCount(state.items.length);
  }

  /** Makes the window show the oldest pending approval, or closes it when none is left. */
  async function showHead(state: QueueState, keepWindowOpen = false): Promise<QueueState> {
    const head = state.items[0];
    if (!head) {
      if (state.window && !keepWindowOpen) {
        const { windowId } = state.window;
        // Forget the window before closing it, so its onRemoved event rejects nothing.
        await save({ ...state, window: null });
        await deps.windows.close(windowId).catch(() => undefined);
      }
      return { ...state, window: null };
    }
    if (state.window && (await deps.windows.focus(state.window.windowId))) {
      if (state.window.approvalId !== head.id) {
        await deps.windows.navigate(state.window.windowId, deps.gatewayUrl(head.id));
        return { ...state, window: { windowId: state.window.windowId, approvalId: head.id } };
      }
      return state;
    }
    const windowId = await deps.windows.open(deps.gatewayUrl(head.id));
    return { ...state, window: { windowId, approvalId: head.id } };
  }

  async function notify(approval: Approval, outcome: ApprovalOutcome): Promise<void> {
    for (const listener of listeners) {
      try {
        await listener(approval, outcome);
      } catch (error) {
        console.error('approval listener failed', error);
      }
    }
  }

  async function remove(
    state: QueueState,
    id: string,
    outcome: ApprovalOutcome,
    keepWindowOpen = false,
  ): Promise<Approval> {
    const approval = state.items.find((a) => a.id === id);
    if (!approval) throw new UnknownApprovalError(id);
    // showHead moves the window on to the next approval (or closes it) before anything is saved, so the
    // stored window never points at a settled approval.
    const next = await showHead(
      { items: state.items.filter((a) => a.id !== id), window: state.window },
      keepWindowOpen,
    );
    await save(next);
    await notify(approval, outcome);
    return approval;
  }

  return {
    enqueue(request) {
      return serial(async () => {
        const state = await load();
        const invalid = parseRequest(request) === undefined;
        if (invalid) throw new TypeError(`refusing a malformed ${String(request.kind)} request`);
        const existing = state.items.find((a) => sameChallenge(a.request, request));
        let approval: Approval;
        let items: Approval[];
        if (existing) {
          approval = { ...existing, request: { ...existing.request, tabId: request.tabId ?? existing.request.tabId } };
          items = state.items.map((a) => (a.id === existing.id ? approval : a));
        } else {
          approval = { id: deps.newId(), createdAt: deps.clock(), request };
          items = [...state.items, approval];
        }
        const shown = await showHead({ ...state, items });
        await save(shown);
        return approval;
      });
    },
    async get(id) {
      const state = await serial(load);
      return state.items.find((a) => a.id === id);
    },
    async list() {
      const state = await serial(load);
      return [...state.items];
    },
    setReturnUrl(id, returnUrl) {
      return serial(async () => {
        if (!isHttpUrl(returnUrl)) throw new TypeError('returnUrl must be an http(s) URL');
        const state = await load();
        const found = state.items.find((a) => a.id === id);
        if (!found) throw new UnknownApprovalError(id);
        if (found.request.kind !== 'business-challenge')
          throw new TypeError('only business challenges have a return URL');
        const approval: Approval = { ...found, request: { ...found.request, returnUrl } };
        await save({ ...state, items: state.items.map((a) => (a.id === id ? approval : a)) });
        return approval;
      });
    },
    settle(id, outcome, options = {}) {
      return serial(async () => remove(await load(), id, outcome, options.keepWindowOpen ?? false));
    },
    handleWindowRemoved(windowId) {
      return serial(async () => {
        const state = await load();
        if (state.window?.windowId !== windowId) return;
        const shownId = state.window.approvalId;
        const closed: QueueState = { ...state, window: null };
        await save(closed);
        if (state.items.some((a) => a.id === shownId)) {
          await remove(closed, shownId, userRejected('The user closed the Tandem window.'));
        }
      });
    },
    show() {
      return serial(async () => {
        const state = await load();
        if (state.items.length === 0) return false;
        await save(await showHead(state));
        return true;
      });
    },
    onSettled(listener) {
      listeners.push(listener);
    },
  };
}
