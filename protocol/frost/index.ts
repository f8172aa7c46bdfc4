/** FROST 2-of-2 (RFC 9591) for ed25519 (Solana, NEAR) and BIP340 (Taproot), plus the ed25519 birth flow. */
export * from './dkg.js';
export * from './ed25519-birth.js';
export * from './export-box.js';
export * from './key-share.js';
export * from './payloads.js';
export * from './refresh.js';
export * from './session-id.js';
export * from './sign.js';
export * from './slip10.js';
export * from './suites.js';
export * from './tweak.js';
export type { FrostProtocolTag } from './wire.js';
