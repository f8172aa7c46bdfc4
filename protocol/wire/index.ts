/** The MPC WebSocket wire format shared by Node 1 (extension) and Node 2 (relay). */
export * from './control.js';
export * from './envelope.js';
export * from './handshake.js';
export * from './limits.js';
