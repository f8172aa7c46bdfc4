/** Solana: addresses, PDAs/ATAs, SOL and SPL transfers, legacy message serialisation, signed transactions. */
export * from './address.js';
export * from './transaction.js';
