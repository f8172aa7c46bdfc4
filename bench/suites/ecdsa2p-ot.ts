/**
 * The OT layer of two-party DKLs23 on its own: pairing (base OTs of both directions, both parties in
 * one process) and one RVOLE run in one direction (Bob's start, Alice's response, Bob's finish).
 * Bytes are raw bytes on the wire (hex length / 2).
 */
import { type PairingMessage, receivePairing, startPairing } from '../../protocol/ecdsa2p/ot/pairing.js';
import { rvoleReceiverFinish, rvoleReceiverStart, rvoleSenderRespond } from '../../protocol/ecdsa2p/ot/rvole.js';
import { N } from '../../protocol/ecdsa2p/ot/scalar.js';
import { createSeededRng } from '../../protocol/rng.js';
import { type Benchmark, ratioTo, timeIt } from '../harness.js';

const rng = createSeededRng('tandem/bench/ecdsa2p-ot');

/** Raw bytes of a JSON message: the hex strings dominate, so count hex chars / 2 plus the rest. */
function wireBytes(message: unknown): number {
  let bytes = 0;
  const visit = (v: unknown): void => {
    if (typeof v === 'string') bytes += /^[0-9a-f]*$/.test(v) ? v.length / 2 : v.length;
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
    else if (typeof v === 'number') bytes += 1;
  };
  visit(message);
  return bytes;
}

/** CPU milliseconds per call of `fn` (user + system), robust to other processes on a shared machine. */
function cpuPerCall(fn: () => void, n: number): number {
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const used = process.cpuUsage(before);
  return Math.round(((used.user + used.system) / 1000 / n) * 1000) / 1000;
}

function pair() {
  const sessionId = rng(32);
  const c = startPairing({ sessionId, role: 'client', rng });
  const s = startPairing({ sessionId, role: 'server', rng });
  const c2 = receivePairing({ state: c.state, message: s.message, rng });
  const s2 = receivePairing({ state: s.state, message: c.message, rng });
  const c3 = receivePairing({ state: c2.state, message: s2.message, rng });
  const s3 = receivePairing({ state: s2.state, message: c2.message, rng });
  if (!c3.output || !s3.output) throw new Error('pairing did not complete');
  const messages = [c.message, s.message, c2.message, s2.message] as PairingMessage[];
  return { client: c3.output, server: s3.output, bytes: messages.reduce((n, m) => n + wireBytes(m), 0) };
}

export const benchmarks: Benchmark[] = [
  {
    name: 'ecdsa2p-ot.pairing',
    async run(context) {
      let bytes = 0;
      const t = await timeIt(
        () => {
          bytes = pair().bytes;
        },
        { n: 5, warmup: 1 },
      );
      const cpuMs = cpuPerCall(() => pair(), 3);
      return {
        name: 'ecdsa2p-ot.pairing',
        unit: 'ms',
        median: t.median,
        p95: t.p95,
        n: t.n,
        baseline: ratioTo(context, 'baseline.secp256k1.sign', t.median),
        extra: { cpuMs, bytes, parties: 2, directions: 2, baseOtsPerDirection: 128, target: 'well under 1000 ms' },
      };
    },
  },
  {
    name: 'ecdsa2p-ot.rvole',
    async run(context) {
      const { client, server } = pair();
      const once = () => {
        const sessionId = rng(32);
        const inputs: [bigint, bigint] = [123n, 456n];
        const start = rvoleReceiverStart({ setup: server.receiver, sessionId, rng });
        const reply = rvoleSenderRespond({
          setup: client.sender,
          sessionId,
          inputs,
          message: start.message,
          rng,
          peer: 'server',
        });
        const finish = rvoleReceiverFinish({ state: start.state, message: reply.message, peer: 'client' });
        if ((reply.shares[0] + finish.shares[0]) % N !== (inputs[0] * start.b) % N) throw new Error('RVOLE invariant');
        return { start, reply };
      };
      // Bytes are counted once, outside the timed calls.
      const sample = once();
      const bytes = wireBytes(sample.start.message) + wireBytes(sample.reply.message);
      const t = await timeIt(once, { n: 200, warmup: 20 });
      const cpuMs = cpuPerCall(once, 100);
      return {
        name: 'ecdsa2p-ot.rvole',
        unit: 'ms',
        median: t.median,
        p95: t.p95,
        n: t.n,
        baseline: ratioTo(context, 'baseline.secp256k1.sign', t.median),
        extra: { cpuMs, bytes, direction: 'one (Bob start + Alice respond + Bob finish)', target: 'well under 8 ms' },
      };
    },
  },
];
