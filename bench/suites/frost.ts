/**
 * FROST benchmarks: both parties' compute in one process (no network), with a verifiable sample.
 * Targets (issue 4): ed25519 sign ≤ 5 ms, Taproot sign ≤ 10 ms, ed25519 birth ≤ 200 ms.
 *
 * Signing runs our RFC 9591 arithmetic (protocol/frost/sign-math.ts); `nobleCallsOnlyMedianMs` is
 * the same 2-of-2 signing done with noble's FROST calls alone (what the machines used before), kept
 * as the comparison. `cpuMsPerSign` is process CPU time per signing (user + system), which is less
 * sensitive than wall time to other load on the machine.
 */
import { toHex } from '../../protocol/bytes.js';
import { receiveFrostDkg, startFrostDkg } from '../../protocol/frost/dkg.js';
import { birthEd25519Family } from '../../protocol/frost/ed25519-birth.js';
import {
  defaultIdentifiers,
  type FrostKeyShare,
  fromNobleKey,
  toNoblePublic,
  toNobleSecret,
} from '../../protocol/frost/key-share.js';
import { type FrostSignOutput, receiveFrostSign, startFrostSign } from '../../protocol/frost/sign.js';
import { type FrostGroup, type FrostScheme, groupInfo, nobleRng, schemeInfo } from '../../protocol/frost/suites.js';
import { deriveTaprootKeyShare } from '../../protocol/frost/tweak.js';
import { createSeededRng, type Rng } from '../../protocol/rng.js';
import { type Benchmark, ratioTo, timeIt } from '../harness.js';

const BASELINE = 'baseline.ed25519.sign';

/** Process CPU milliseconds per call of `fn` over `n` calls (after `timeIt` has warmed it up). */
function cpuMsPerCall(fn: () => unknown, n: number): number {
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const used = process.cpuUsage(before);
  return Math.round(((used.user + used.system) / 1000 / n) * 1000) / 1000;
}

function runDkg(group: FrostGroup, rng: Rng) {
  const common = { group, keyId: 'bench', ceremonyId: 'bench-dkg', rng };
  const c0 = startFrostDkg({ ...common, role: 'client' });
  const s0 = startFrostDkg({ ...common, role: 'server' });
  const c1 = receiveFrostDkg(c0.state, s0.outgoing[0]);
  const s1 = receiveFrostDkg(s0.state, c0.outgoing[0]);
  const c2 = receiveFrostDkg(c1.state, s1.outgoing[0]);
  const s2 = receiveFrostDkg(s1.state, c1.outgoing[0]);
  if (!c2.output || !s2.output) throw new Error('bench: DKG did not finish');
  return { client: c2.output, server: s2.output };
}

function dealer(group: FrostGroup, rng: Rng): { client: FrostKeyShare; server: FrostKeyShare } {
  const ids = defaultIdentifiers(group);
  const deal = groupInfo(group).frost.trustedDealer(
    { min: 2, max: 2 },
    [ids.client, ids.server],
    undefined,
    (n?: number) => Uint8Array.from(rng(n ?? 32)),
  );
  const share = (role: 'client' | 'server') =>
    fromNobleKey(group, role, ids, {
      public: deal.public,
      secret: deal.secretShares[ids[role]] as { signingShare: Uint8Array },
    });
  return { client: share('client'), server: share('server') };
}

/** One full 2-of-2 signing: both parties' commit, sign-share, verify-share, aggregate, verify. */
function signBoth(scheme: FrostScheme, client: FrostKeyShare, server: FrostKeyShare, message: Uint8Array, rng: Rng) {
  const common = { scheme, message, keyId: 'bench', ceremonyId: 'bench-sign', derivationPath: '', rng };
  const c0 = startFrostSign({ ...common, role: 'client', keyShare: client });
  const s0 = startFrostSign({ ...common, role: 'server', keyShare: server });
  const c1 = receiveFrostSign(c0.state, s0.outgoing[0]);
  const s1 = receiveFrostSign(s0.state, c0.outgoing[0]);
  const c2 = receiveFrostSign(c1.state, s1.outgoing[0]);
  receiveFrostSign(s1.state, c1.outgoing[0]);
  return c2.output as FrostSignOutput;
}

/**
 * The same 2-of-2 signing done with noble's FROST calls only (commit, signShare, verifyShare, aggregate
 * for both parties, no state machine, no validation of ours): what signing cost before our own
 * arithmetic, kept as the comparison.
 */
function nobleOnlySign(
  scheme: FrostScheme,
  client: FrostKeyShare,
  server: FrostKeyShare,
  message: Uint8Array,
  rng: Rng,
) {
  const F = schemeInfo(scheme).frost;
  const pub = toNoblePublic(client);
  const sc = toNobleSecret(client);
  const ss = toNobleSecret(server);
  const nc = F.commit(sc, nobleRng(rng));
  const ns = F.commit(ss, nobleRng(rng));
  const list = [nc.commitments, ns.commitments];
  const zc = F.signShare(sc, pub, nc.nonces, list, message);
  const zs = F.signShare(ss, pub, ns.nonces, list, message);
  F.verifyShare(pub, list, message, ss.identifier, zs);
  F.verifyShare(pub, list, message, sc.identifier, zc);
  F.aggregate(pub, list, message, { [sc.identifier]: zc, [ss.identifier]: zs });
  return F.aggregate(pub, list, message, { [sc.identifier]: zc, [ss.identifier]: zs });
}

export const benchmarks: Benchmark[] = [
  {
    name: 'frost.ed25519.sign',
    async run(context) {
      const rng = createSeededRng('tandem/bench/frost/ed25519');
      const { client, server } = dealer('ed25519', rng);
      const message = rng(200);
      let out: FrostSignOutput | undefined;
      const t = await timeIt(
        () => {
          out = signBoth('ed25519', client, server, message, rng);
        },
        { n: 100, warmup: 10 },
      );
      const cpu = cpuMsPerCall(() => signBoth('ed25519', client, server, message, rng), 100);
      const floor = await timeIt(() => nobleOnlySign('ed25519', client, server, message, rng), { n: 20, warmup: 3 });
      return {
        name: 'frost.ed25519.sign',
        unit: 'ms',
        median: t.median,
        p95: t.p95,
        n: t.n,
        baseline: ratioTo(context, BASELINE, t.median),
        sample: { publicKey: out?.groupPublicKey, message: toHex(message), signature: out?.signature },
        extra: {
          parties: 2,
          targetMs: 5,
          cpuMsPerSign: cpu,
          nobleCallsOnlyMedianMs: floor.median,
          verify: 'ed25519.verify(sig, msg, publicKey, { zip215: false })',
        },
      };
    },
  },
  {
    name: 'frost.taproot.sign',
    async run(context) {
      const rng = createSeededRng('tandem/bench/frost/taproot');
      const root = runDkg('secp256k1', rng);
      const client = deriveTaprootKeyShare(root.client.keyShare, root.client.chainCode, [0, 0]);
      const server = deriveTaprootKeyShare(root.server.keyShare, root.server.chainCode, [0, 0]);
      const sighash = rng(32);
      let out: FrostSignOutput | undefined;
      const t = await timeIt(
        () => {
          out = signBoth('bip340', client.keyShare, server.keyShare, sighash, rng);
        },
        { n: 100, warmup: 10 },
      );
      const cpu = cpuMsPerCall(() => signBoth('bip340', client.keyShare, server.keyShare, sighash, rng), 100);
      const floor = await timeIt(() => nobleOnlySign('bip340', client.keyShare, server.keyShare, sighash, rng), {
        n: 20,
        warmup: 3,
      });
      const derive = await timeIt(() => deriveTaprootKeyShare(root.client.keyShare, root.client.chainCode, [0, 1]), {
        n: 30,
        warmup: 3,
      });
      return {
        name: 'frost.taproot.sign',
        unit: 'ms',
        median: t.median,
        p95: t.p95,
        n: t.n,
        baseline: ratioTo(context, BASELINE, t.median),
        sample: {
          publicKey: client.outputXOnly,
          internalXOnly: client.internalXOnly,
          message: toHex(sighash),
          signature: out?.signature,
        },
        extra: {
          parties: 2,
          targetMs: 10,
          verify: 'schnorr.verify(sig, sighash, outputXOnly)',
          cpuMsPerSign: cpu,
          nobleCallsOnlyMedianMs: floor.median,
          deriveTaprootKeyShareMedianMs: derive.median,
        },
      };
    },
  },
  {
    name: 'frost.ed25519.dkg',
    async run(context) {
      const rng = createSeededRng('tandem/bench/frost/dkg');
      let groupPublicKey = '';
      const t = await timeIt(
        () => {
          groupPublicKey = runDkg('ed25519', rng).client.groupPublicKey;
        },
        { n: 30, warmup: 3 },
      );
      return {
        name: 'frost.ed25519.dkg',
        unit: 'ms',
        median: t.median,
        p95: t.p95,
        n: t.n,
        baseline: ratioTo(context, BASELINE, t.median),
        sample: { groupPublicKey },
        extra: { parties: 2 },
      };
    },
  },
  {
    name: 'ed25519.birth',
    async run(context) {
      const rng = createSeededRng('tandem/bench/frost/birth');
      let accounts: { chain: string; address: string }[] = [];
      const t = await timeIt(
        () => {
          const born = birthEd25519Family({ context: { customerId: 'bench', keyId: 'bench', version: 1 }, rng });
          accounts = born.accounts.map((a) => ({ chain: a.chain, path: a.path, address: a.address }));
        },
        { n: 20, warmup: 2 },
      );
      return {
        name: 'ed25519.birth',
        unit: 'ms',
        median: t.median,
        p95: t.p95,
        n: t.n,
        baseline: ratioTo(context, BASELINE, t.median),
        sample: { accounts },
        extra: {
          targetMs: 200,
          steps:
            'BIP39 entropy → mnemonic → PBKDF2 seed → SLIP-10 (Solana 0, NEAR 0) → dealer split → XChaCha20-Poly1305 box',
        },
      };
    },
  },
];
