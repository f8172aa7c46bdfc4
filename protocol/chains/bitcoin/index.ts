/** Bitcoin: P2WPKH/P2TR addresses, transfers with BIP143/BIP341 sighashes, BIP-137 messages. */
export * from './address.js';
export * from './message.js';
export * from './network.js';
export * from './transaction.js';
