/**
 * Size and timing limits of the MPC WebSocket, shared by Node 1 and Node 2 so both refuse the same
 * frames. The largest protocol message is an ECDSA DKG/refresh round carrying the OT pairing
 * (tens of KiB as hex); 256 KiB leaves headroom without letting a peer make us buffer megabytes.
 */

/** Largest WebSocket frame (UTF-8 bytes of the JSON text) either side accepts. */
export const MAX_FRAME_BYTES = 256 * 1024;

/** Largest control-message payload (hello, handshake, session start…), JSON bytes. */
export const MAX_CONTROL_PAYLOAD_BYTES = 8 * 1024;

/** Longest protocol tag, e.g. 'ecdsa2p/sign'. */
export const MAX_PROTOCOL_TAG_LENGTH = 64;

/** Highest round number any protocol uses (DKG rounds plus OT pairing rounds, with headroom). */
export const MAX_ROUND = 64;

/**
 * Keep-alive period. An MV3 service worker is stopped after 30 s without events; a frame in either
 * direction more often than that keeps it (and the ceremony state in memory) alive.
 */
export const KEEP_ALIVE_MS = 20_000;

/** A connection with no frame from the peer for this long is closed. */
export const IDLE_TIMEOUT_MS = 60_000;

/** How long the handshake nonce in `hello` stays valid. */
export const HANDSHAKE_NONCE_TTL_MS = 30_000;

/** Version of the MPC wire protocol (control messages and handshake transcript). */
export const MPC_PROTOCOL_VERSION = 1 as const;
