/**
 * Building blocks shared by the per-chain approval views: field constructors that make any
 * payload-supplied text safe to show (invisible and direction-changing characters made visible,
 * very long values cut with their length said), warnings, sections, amounts, and raw fallbacks.
 * Views take their text from a business's payload or a relay-built transaction, so every string is
 * treated as hostile.
 */
import { formatUnits } from '../../../protocol/chains/amounts.js';
import type { KnownNetwork } from '../../../protocol/chains/networks.js';
import type { ApprovalField } from '../../ui/components/approval-fields.js';

export type { ApprovalField };

/** What every view knows besides the data it shows. */
export interface ViewContext {
  /** The challenge's `blockchain` id as sent ("ETH-SEPOLIA"), if any. */
  blockchain: string | undefined;
  /** The built-in network of that id; undefined for a chain this extension does not know. */
  network: KnownNetwork | undefined;
  /** The wallet's own address (`fromAddress` of the payload), to recognise change and self-transfers. */
  walletAddress: string | undefined;
  businessName: string;
}

/**
 * Code-point ranges that change how text reads without being seen: C0/C1 controls (tab and newline
 * excepted), soft hyphen, bidi marks and overrides (U+061C, U+200E–F, U+202A–E, U+2066–9), zero-width
 * and invisible formatting characters, Hangul fillers, the BOM and interlinear annotation marks.
 */
const HIDDEN_RANGES: readonly (readonly [number, number])[] = [
  [0x00, 0x08],
  [0x0b, 0x1f],
  [0x7f, 0x9f],
  [0xad, 0xad],
  [0x61c, 0x61c],
  [0x115f, 0x1160],
  [0x180e, 0x180e],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x206f],
  [0x3164, 0x3164],
  [0xfeff, 0xfeff],
  [0xfff9, 0xfffb],
];

const isHidden = (cp: number) => HIDDEN_RANGES.some(([lo, hi]) => cp >= lo && cp <= hi);

/** Longest value shown in full; longer ones are cut and the hint says how long they are. */
export const MAX_VALUE_CHARS = 2048;

/** `text` with hidden characters written as \u{…}; `hidden` says whether there were any. */
export function exposeHidden(text: string): { text: string; hidden: boolean } {
  let hidden = false;
  let out = '';
  for (const c of text) {
    const cp = c.codePointAt(0) ?? 0;
    if (isHidden(cp)) {
      hidden = true;
      out += `\\u{${cp.toString(16)}}`;
    } else out += c;
  }
  return { text: out, hidden };
}

/**
 * A field whose value may come from anywhere: hidden characters are exposed (and flagged with a
 * warning tone and a hint), and a value longer than MAX_VALUE_CHARS is cut with its length said.
 */
export function field(
  label: string,
  value: string,
  options: Omit<ApprovalField, 'label' | 'value'> = {},
): ApprovalField {
  const exposed = exposeHidden(String(value));
  let shown = exposed.text;
  const hints: string[] = [];
  if (options.hint) hints.push(options.hint);
  if (exposed.hidden) hints.push('Contains invisible or direction-changing characters, shown as \\u{…}.');
  if (shown.length > MAX_VALUE_CHARS) {
    hints.push(`Only the first ${MAX_VALUE_CHARS} of ${shown.length} characters are shown.`);
    shown = `${shown.slice(0, MAX_VALUE_CHARS)}…`;
  }
  const out: ApprovalField = { label: exposeHidden(label).text, value: shown };
  if (options.style) out.style = options.style;
  if (hints.length > 0) out.hint = hints.join(' ');
  const tone = exposed.hidden ? 'warning' : options.tone;
  if (tone) out.tone = tone;
  if (options.children) out.children = options.children;
  return out;
}

export const address = (label: string, value: string, hint?: string): ApprovalField =>
  field(label, value, { style: 'address', ...(hint ? { hint } : {}) });

export const warning = (label: string, value: string): ApprovalField => field(label, value, { tone: 'warning' });

export const section = (label: string, children: ApprovalField[], value = '', hint?: string): ApprovalField =>
  field(label, value, { children, ...(hint ? { hint } : {}) });

/** "1.5 ETH" from base units; the hint carries the exact base-unit count when it helps. */
export function formatAmount(baseUnits: bigint, asset: { symbol: string; decimals: number }): string {
  return `${formatUnits(baseUnits, asset.decimals)} ${asset.symbol}`;
}

/** A base-unit decimal string as bigint, or undefined when it is not one. */
export function toBigInt(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^(0|[1-9]\d{0,99}|0x[0-9a-fA-F]{1,64})$/.test(value)) return BigInt(value);
  return undefined;
}

export const str = (p: Record<string, unknown>, key: string): string | undefined => {
  const v = p[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

/** JSON of anything (bigints as strings), never throwing; for raw fallbacks. */
export function rawJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The payload shown as it is, under a warning that says why it could not be shown better. */
export function rawFallback(reason: string, value: unknown): ApprovalField[] {
  return [
    warning('Could not be decoded', `${reason} Check every detail below before approving.`),
    field('Raw request', rawJson(value), { style: 'mono' }),
  ];
}

/** UTF-8 text of `bytes` when they are valid UTF-8 without hidden characters; otherwise undefined. */
export function readableText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  return exposeHidden(text).hidden ? undefined : text;
}

export function bytesToHex0x(bytes: Uint8Array): string {
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Network line: the human name with its id, or the raw id under a warning when unknown. */
export function networkField(ctx: ViewContext): ApprovalField[] {
  if (ctx.network) {
    const n = ctx.network;
    const hint = `${n.id === n.name ? 'Mainnet' : n.id}${n.evmChainId !== undefined ? `, chain id ${n.evmChainId}` : ''}${n.testnet ? ', a test network' : ''}`;
    return [field('Network', n.name, { hint })];
  }
  if (ctx.blockchain)
    return [
      field('Network', ctx.blockchain),
      warning(
        'Unknown network',
        'This extension does not know this network; amounts are shown as the request states them.',
      ),
    ];
  return [];
}

/** "From: your wallet 0x…" when the payload names the wallet. */
export function walletField(ctx: ViewContext, label = 'From'): ApprovalField[] {
  return ctx.walletAddress ? [address(label, ctx.walletAddress, 'Your wallet')] : [];
}
