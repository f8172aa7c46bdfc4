/**
 * Two-party ECDSA (DKLs23): DKG with OT pairing, and one signature, both parties in one process, so
 * the figures are the sum of both parties' compute (no network). Bytes are raw bytes on the wire
 * (hex length / 2 of every message, plus the 32-byte server nonce sent ahead of signing).
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { fromHex, toHex } from '../../protocol/bytes.js';
import { receiveDkg, startDkg } from '../../protocol/ecdsa2p/dkg.js';
import type { Ecdsa2pKeyShare } from '../../protocol/ecdsa2p/key-share.js';
import { hexBytes } from '../../protocol/ecdsa2p/messages.js';
import { type Ecdsa2pSignature, receiveSign, startSignClient, startSignServer } from '../../protocol/ecdsa2p/sign.js';
import { createSeededRng, type Rng } from '../../protocol/rng.js';
import type { Envelope, Step } from '../../protocol/session.js';
import { type Benchmark, ratioTo, timeIt } from '../harness.js';

const rng = createSeededRng('tandem/bench/ecdsa2p');

type AnyStep<O> = Step<unknown, Envelope<unknown>, O>;

/** Delivers messages between the two parties until both are done; returns outputs and bytes. */
function drive<O>(
  client: AnyStep<O>,
  server: AnyStep<O>,
  receive: (state: never, message: unknown, rng: Rng) => AnyStep<O>,
): { client: O; server: O; bytes: number } {
  const states = { client: client.state, server: server.state };
  const outputs: { client?: O; server?: O } = {};
  const queue = [...client.outgoing, ...server.outgoing];
  let bytes = 0;
  while (queue.length > 0) {
    const message = queue.shift() as Envelope<unknown>;
    bytes += hexBytes(message);
    const to = message.from === 'client' ? 'server' : 'client';
    const step = receive(states[to] as never, message, rng);
    states[to] = step.state;
    if (step.output !== undefined) outputs[to] = step.output;
    queue.push(...step.outgoing);
  }
  if (outputs.client === undefined || outputs.server === undefined) throw new Error('protocol did not complete');
  return { client: outputs.client, server: outputs.server, bytes };
}

function keygen(keyId: string): { client: Ecdsa2pKeyShare; server: Ecdsa2pKeyShare; bytes: number } {
  const sessionId = toHex(rng(32));
  return drive<Ecdsa2pKeyShare>(
    startDkg({ role: 'client', keyId, sessionId, rng }),
    startDkg({ role: 'server', keyId, sessionId, rng }),
    receiveDkg as never,
  );
}

function sign(shares: { client: Ecdsa2pKeyShare; server: Ecdsa2pKeyShare }, digest: Uint8Array, path: string) {
  const server = startSignServer({ share: shares.server, digest, path, rng });
  const client = startSignClient({ share: shares.client, digest, path, serverNonce: server.serverNonce, rng });
  const run = drive<Ecdsa2pSignature>(client, server, receiveSign as never);
  return { signature: run.server, bytes: run.bytes + 32 };
}

export const benchmarks: Benchmark[] = [
  {
    name: 'ecdsa2p.keygen',
    async run(context) {
      let bytes = 0;
      let publicKey = '';
      const t = await timeIt(
        () => {
          const out = keygen('bench-wallet');
          bytes = out.bytes;
          publicKey = out.client.publicKey;
        },
        { n: 7, warmup: 1 },
      );
      return {
        name: 'ecdsa2p.keygen',
        unit: 'ms',
        median: t.median,
        p95: t.p95,
        n: t.n,
        baseline: ratioTo(context, 'baseline.secp256k1.sign', t.median),
        extra: { bytesExchanged: bytes, publicKey, targetMedianMs: 1500, includes: 'DKG + OT pairing, both parties' },
      };
    },
  },
  {
    name: 'ecdsa2p.sign',
    async run(context) {
      const shares = keygen('bench-sign-wallet');
      let last: { signature?: Ecdsa2pSignature; bytes: number; digest: Uint8Array } = {
        bytes: 0,
        digest: new Uint8Array(),
      };
      const t = await timeIt(
        () => {
          const digest = rng(32);
          const out = sign(shares, digest, 'm/0/5');
          last = { signature: out.signature, bytes: out.bytes, digest };
        },
        { n: 60, warmup: 5 },
      );
      const signature = last.signature as Ecdsa2pSignature;
      const verifies = secp256k1.verify(fromHex(signature.signature), last.digest, fromHex(signature.publicKey), {
        prehash: false,
      });
      if (!verifies) throw new Error('benchmark signature does not verify');
      return {
        name: 'ecdsa2p.sign',
        unit: 'ms',
        median: t.median,
        p95: t.p95,
        n: t.n,
        sample: { publicKey: signature.publicKey, digest: toHex(last.digest), signature: signature.signature },
        baseline: ratioTo(context, 'baseline.secp256k1.sign', t.median),
        extra: {
          bytesPerSignature: last.bytes,
          targetMedianMs: 25,
          targetBytes: 150_000,
          path: 'm/0/5',
          includes: 'both parties, 4 messages, final verification by both',
        },
      };
    },
  },
];
