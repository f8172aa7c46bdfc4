/** The chain layer: registry, adapters, transaction service and tracker, and its read routes. */

export { createAdapter } from './adapters/index.js';
export * from './adapters/types.js';
export * from './challenge-signing.js';
export * from './registry.js';
export { chainRoutes } from './routes.js';
export * from './service.js';
export type { TransactionRecord, TransactionStatus } from './store.js';
export * from './tracker.js';
