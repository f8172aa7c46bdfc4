/**
 * Session ids for the FROST ceremonies (DESIGN.md §3 "Every message is bound"):
 *   sid = taggedHash('tandem/frost/v1/session-id', protocol, version, key id, ceremony id,
 *                    roles with their identifiers, scheme, public-package digest, message digest,
 *                    derivation path)
 * Each party computes the sid itself from what it knows and approved; the envelope's sid must match
 * byte for byte, so a message from another session, key, message or path is rejected on arrival.
 */
import { toHex } from '../bytes.js';
import { InvalidArgumentError } from '../errors.js';
import { taggedHash } from '../transcript.js';
import type { FrostIdentifiers } from './key-share.js';
import type { FrostProtocolTag } from './wire.js';

export const FROST_PROTOCOL_VERSION = 1;

export interface FrostSessionInput {
  protocol: FrostProtocolTag;
  /** Stable identifier of the key (root) both parties store, e.g. the wallet id. */
  keyId: string;
  /** Unique per ceremony both parties agree on, e.g. the approved challenge id plus a counter. */
  ceremonyId: string;
  identifiers: FrostIdentifiers;
  /** Suite or signing scheme name. */
  scheme: string;
  publicPackageDigest?: Uint8Array;
  messageDigest?: Uint8Array;
  derivationPath?: string;
}

export function assertLabel(value: unknown, argument: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 256)
    throw new InvalidArgumentError(argument, 'a non-empty string of at most 256 characters', typeof value);
}

export function frostSessionId(input: FrostSessionInput): string {
  assertLabel(input.keyId, 'keyId');
  assertLabel(input.ceremonyId, 'ceremonyId');
  return toHex(
    taggedHash(
      'tandem/frost/v1/session-id',
      input.protocol,
      FROST_PROTOCOL_VERSION,
      input.keyId,
      input.ceremonyId,
      'client',
      input.identifiers.client,
      'server',
      input.identifiers.server,
      input.scheme,
      input.publicPackageDigest ?? new Uint8Array(0),
      input.messageDigest ?? new Uint8Array(0),
      input.derivationPath ?? '',
    ),
  );
}
