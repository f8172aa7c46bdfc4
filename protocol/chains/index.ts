/**
 * Per-chain encodings (DESIGN.md §3, §6): addresses, unsigned transactions, what the signer signs,
 * signed-transaction assembly, off-chain message digests and Gateway descriptions. Pure: no I/O.
 */
export * from './addresses.js';
export * from './amounts.js';
export * from './approval.js';
export * as bitcoin from './bitcoin/index.js';
export * from './describe.js';
export * as evm from './evm/index.js';
export * from './export.js';
export * from './messages.js';
export * as near from './near/index.js';
export * from './raw.js';
export * as solana from './solana/index.js';
export * from './types.js';
export * from './unsigned.js';
