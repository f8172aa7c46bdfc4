/** NEAR: implicit accounts, borsh transactions (Transfer, FunctionCall/NEP-141), NEP-366 delegate actions. */
export * from './transaction.js';
