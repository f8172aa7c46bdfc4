/** Single-party baselines that every MPC figure is compared with (same run, same machine). */
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { argon2id } from 'hash-wasm';
import { toHex } from '../../protocol/bytes.js';
import { createSeededRng } from '../../protocol/rng.js';
import { type Benchmark, timeIt } from '../harness.js';

const rng = createSeededRng('tandem/bench/baseline');

export const benchmarks: Benchmark[] = [
  {
    name: 'baseline.secp256k1.sign',
    async run() {
      const secretKey = secp256k1.utils.randomSecretKey(rng(48));
      const digest = rng(32);
      let signature = new Uint8Array();
      const t = await timeIt(
        () => {
          signature = secp256k1.sign(digest, secretKey, { prehash: false });
        },
        { n: 300, warmup: 20 },
      );
      return {
        name: 'baseline.secp256k1.sign',
        unit: 'ms',
        median: t.median,
        p95: t.p95,
        n: t.n,
        sample: {
          publicKey: toHex(secp256k1.getPublicKey(secretKey, true)),
          digest: toHex(digest),
          signature: toHex(signature),
        },
      };
    },
  },
  {
    name: 'baseline.ed25519.sign',
    async run() {
      const secretKey = rng(32);
      const message = rng(64);
      let signature = new Uint8Array();
      const t = await timeIt(
        () => {
          signature = ed25519.sign(message, secretKey);
        },
        { n: 300, warmup: 20 },
      );
      return {
        name: 'baseline.ed25519.sign',
        unit: 'ms',
        median: t.median,
        p95: t.p95,
        n: t.n,
        sample: {
          publicKey: toHex(ed25519.getPublicKey(secretKey)),
          message: toHex(message),
          signature: toHex(signature),
        },
      };
    },
  },
  {
    name: 'baseline.argon2id.64mib',
    async run() {
      const salt = rng(16);
      const t = await timeIt(
        () =>
          argon2id({
            password: '482915',
            salt,
            parallelism: 1,
            iterations: 3,
            memorySize: 65536,
            hashLength: 32,
            outputType: 'binary',
          }),
        { n: 10, warmup: 1 },
      );
      return {
        name: 'baseline.argon2id.64mib',
        unit: 'ms',
        median: t.median,
        p95: t.p95,
        n: t.n,
        extra: { memoryKiB: 65536, iterations: 3, parallelism: 1 },
      };
    },
  },
];
