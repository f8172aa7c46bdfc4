import { HDKey } from '@scure/bip32';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../protocol/bytes.js';
import { deriveNonHardened } from '../../../../protocol/ecdsa2p/derivation.js';
import { type DkgState, receiveDkg, startDkg } from '../../../../protocol/ecdsa2p/dkg.js';
import { Fn, G, Point } from '../../../../protocol/ecdsa2p/group.js';
import { type Ecdsa2pKeyShare, parseKeyShare } from '../../../../protocol/ecdsa2p/key-share.js';
import { CEREMONY_ROUNDS, PAIRING_ROUNDS } from '../../../../protocol/ecdsa2p/pairing-carrier.js';
import { InvalidArgumentError, ProtocolStateError } from '../../../../protocol/errors.js';
import type { Envelope } from '../../../../protocol/session.js';
import { isJsonSafe, type Run, rngFor, runDkg, SETUP_TIMEOUT_MS } from './helpers.js';

let client: Ecdsa2pKeyShare;
let server: Ecdsa2pKeyShare;
let run: Run<unknown, Ecdsa2pKeyShare>;

beforeAll(() => {
  ({ client, server, run } = runDkg('dkg-suite'));
}, SETUP_TIMEOUT_MS);

describe('ecdsa2p DKG', () => {
  it('gives both parties the same public key, chain code and transcript hash', () => {
    expect(client.role).toBe('client');
    expect(server.role).toBe('server');
    for (const field of ['publicKey', 'chainCode', 'transcriptHash', 'keyId', 'zeroShareSeed', 'epoch'] as const) {
      expect(client[field]).toBe(server[field]);
    }
    expect(client.burned).toBe(false);
  });

  it('splits the key additively: x_C·G + x_S·G = X, each public share known to the peer', () => {
    const xC = Fn.fromBytes(fromHex(client.secretShare));
    const xS = Fn.fromBytes(fromHex(server.secretShare));
    expect(G.multiply(Fn.add(xC, xS)).toHex(true)).toBe(client.publicKey);
    expect(client.peerPublicShare).toBe(G.multiply(xS).toHex(true));
    expect(server.peerPublicShare).toBe(G.multiply(xC).toHex(true));
  });

  it('outputs shares that pass parseKeyShare', () => {
    expect(parseKeyShare(clone(client))).toEqual(client);
    expect(parseKeyShare(clone(server))).toEqual(server);
  });

  it('gives the reconstructed root the BIP32 children @scure/bip32 derives', () => {
    const root = Fn.add(Fn.fromBytes(fromHex(client.secretShare)), Fn.fromBytes(fromHex(server.secretShare)));
    const reference = new HDKey({ privateKey: Fn.toBytes(root), chainCode: fromHex(client.chainCode) }).derive('m/0/5');
    const derived = deriveNonHardened(Point.fromHex(client.publicKey), fromHex(client.chainCode), 'm/0/5');
    expect(derived.publicKey.toHex(true)).toBe(toHex(reference.publicKey as Uint8Array));
  });

  it('never shows a party the other party’s secret share', () => {
    const messages = JSON.stringify(run.trace.messages);
    expect(messages).not.toContain(client.secretShare);
    expect(messages).not.toContain(server.secretShare);
    // The server's states never hold the client's share and vice versa.
    const serverStates = JSON.stringify(run.deliveries.filter((d) => d.to === 'server').map((d) => d.stateBefore));
    const clientStates = JSON.stringify(run.deliveries.filter((d) => d.to === 'client').map((d) => d.stateBefore));
    expect(serverStates).not.toContain(client.secretShare);
    expect(clientStates).not.toContain(server.secretShare);
  });

  it('keeps every state and message JSON-safe (each step ran on JSON copies)', () => {
    for (const state of run.trace.states) expect(isJsonSafe(state)).toBe(true);
    for (const message of run.trace.messages) expect(isJsonSafe(message)).toBe(true);
    expect(isJsonSafe(client)).toBe(true);
  });

  it(`runs ${CEREMONY_ROUNDS} symmetric rounds with pairing message r inside DKG round r`, () => {
    const messages = run.trace.messages as Envelope<Record<string, unknown>>[];
    expect(messages).toHaveLength(2 * CEREMONY_ROUNDS);
    for (const m of messages) expect('pairing' in m.payload).toBe(m.round <= PAIRING_ROUNDS);
    expect(messages.filter((m) => m.round === 1).every((m) => 'commitment' in m.payload)).toBe(true);
    expect(messages.filter((m) => m.round === 2).every((m) => 'reveal' in m.payload)).toBe(true);
    expect(messages.filter((m) => m.round === 3).every((m) => 'transcriptHash' in m.payload)).toBe(true);
  });

  it('drops every secret from the finished states', () => {
    const done = run.trace.states.filter((s) => (s as DkgState).kind === 'ecdsa2p/dkg/done') as DkgState[];
    expect(done).toHaveLength(2);
    for (const state of done) {
      expect(Object.keys(state).sort()).toEqual(['keyId', 'kind', 'publicKey', 'role', 'transcriptHash']);
    }
  });

  it('gives different sessions independent keys', () => {
    const other = runDkg('dkg-suite-2');
    expect(other.client.publicKey).not.toBe(client.publicKey);
    expect(other.client.chainCode).not.toBe(client.chainCode);
  });
});

describe('ecdsa2p DKG: local misuse', () => {
  const sessionId = '11'.repeat(32);
  const rng = rngFor('dkg-misuse', 'client', 0);

  it('rejects an unknown role', () => {
    expect(() => startDkg({ role: 'relay' as never, keyId: 'k', sessionId, rng })).toThrow(InvalidArgumentError);
  });

  it('rejects a key id outside the allowed pattern', () => {
    expect(() => startDkg({ role: 'client', keyId: 'has space', sessionId, rng })).toThrow(/key id matching/);
    expect(() => startDkg({ role: 'client', keyId: '', sessionId, rng })).toThrow(InvalidArgumentError);
  });

  it('rejects a session id that is not 32 bytes of hex', () => {
    expect(() => startDkg({ role: 'client', keyId: 'k', sessionId: 'abcd', rng })).toThrow(InvalidArgumentError);
  });

  it('rejects a used state', () => {
    const c = startDkg({ role: 'client', keyId: 'k', sessionId, rng: rngFor('dkg-reuse', 'client', 0) });
    const s = startDkg({ role: 'server', keyId: 'k', sessionId, rng: rngFor('dkg-reuse', 'server', 0) });
    receiveDkg(c.state, s.outgoing[0], rngFor('dkg-reuse', 'client', 1));
    expect(() => receiveDkg(c.state, s.outgoing[0], rngFor('dkg-reuse', 'client', 1))).toThrow(ProtocolStateError);
  });
});

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
