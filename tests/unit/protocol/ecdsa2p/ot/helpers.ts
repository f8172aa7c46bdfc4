/** Shared drivers for the OT-layer tests: runs both parties of pairing in memory. */

import {
  type PairingMessage,
  type PairingOutput,
  type PairingState,
  receivePairing,
  startPairing,
} from '../../../../../protocol/ecdsa2p/ot/pairing.js';
import type { Rng } from '../../../../../protocol/rng.js';
import { createSeededRng } from '../../../../../protocol/rng.js';

/** JSON round trip, as storage and the wire do. */
export function viaJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export interface PairingRun {
  sessionId: Uint8Array;
  client: PairingOutput;
  server: PairingOutput;
  messages: { client: PairingMessage[]; server: PairingMessage[] };
  states: { client: PairingState[]; server: PairingState[] };
}

/** Runs pairing to completion for both parties, every state and message through JSON. */
export function runPairing(seed: string, rng: Rng = createSeededRng(seed)): PairingRun {
  const sessionId = rng(32);
  const c = startPairing({ sessionId, role: 'client', rng });
  const s = startPairing({ sessionId, role: 'server', rng });
  const messages = { client: [viaJson(c.message)], server: [viaJson(s.message)] };
  const states = { client: [viaJson(c.state)], server: [viaJson(s.state)] };
  const c2 = receivePairing({ state: states.client[0] as PairingState, message: messages.server[0], rng });
  const s2 = receivePairing({ state: states.server[0] as PairingState, message: messages.client[0], rng });
  messages.client.push(viaJson(c2.message as PairingMessage));
  messages.server.push(viaJson(s2.message as PairingMessage));
  states.client.push(viaJson(c2.state));
  states.server.push(viaJson(s2.state));
  const c3 = receivePairing({ state: states.client[1] as PairingState, message: messages.server[1], rng });
  const s3 = receivePairing({ state: states.server[1] as PairingState, message: messages.client[1], rng });
  if (!c3.output || !s3.output || c3.message || s3.message) throw new Error('pairing did not finish after two rounds');
  states.client.push(viaJson(c3.state));
  states.server.push(viaJson(s3.state));
  return { sessionId, client: viaJson(c3.output), server: viaJson(s3.output), messages, states };
}

/** Runs `fn` and returns the error it throws (failing the test when it does not throw). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** Flips the lowest bit of the hex char at `index` (keeps the string lower-case hex). */
export function flipHexChar(hex: string, index = 0): string {
  const c = Number.parseInt(hex[index] as string, 16) ^ 1;
  return hex.slice(0, index) + c.toString(16) + hex.slice(index + 1);
}

/** Flips bit `bit` (LSB-first within bytes, as the OT bit vectors are laid out) of a hex string. */
export function flipHexBit(hex: string, bit: number): string {
  const byte = bit >>> 3;
  const within = bit & 7;
  const index = 2 * byte + (within < 4 ? 1 : 0);
  const nibble = Number.parseInt(hex[index] as string, 16) ^ (1 << (within & 3));
  return hex.slice(0, index) + nibble.toString(16) + hex.slice(index + 1);
}

/** Bit `bit` of a hex-encoded bit vector. */
export function hexBit(hex: string, bit: number): number {
  return (Number.parseInt(hex.slice(2 * (bit >>> 3), 2 * (bit >>> 3) + 2), 16) >>> (bit & 7)) & 1;
}

/** Raw bytes of a JSON message: hex strings count half their length, numbers one byte. */
export function rawBytes(value: unknown): number {
  if (typeof value === 'string') return value.length / 2;
  if (typeof value === 'number') return 1;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + rawBytes(v), 0);
  if (value && typeof value === 'object') return Object.values(value).reduce((n: number, v) => n + rawBytes(v), 0);
  return 0;
}
