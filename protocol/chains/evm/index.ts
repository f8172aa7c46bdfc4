/** EVM: addresses, ABI, EIP-1559 transactions, EIP-191/EIP-712 digests. */
export * from './abi.js';
export * from './address.js';
export * from './hex.js';
export * from './messages.js';
export * from './rlp.js';
export * from './transaction.js';
