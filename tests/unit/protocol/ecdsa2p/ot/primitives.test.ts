import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../../../protocol/bytes.js';
import { transposeColumns, transposeColumnsSlow } from '../../../../../protocol/ecdsa2p/ot/bit-matrix.js';
import { BlockHasher, MAX_BLOCK_MESSAGE } from '../../../../../protocol/ecdsa2p/ot/block-hash.js';
import { gfFromBytes, gfMul, gfToBytes } from '../../../../../protocol/ecdsa2p/ot/gf128.js';
import { decodeHex, readScalar, writeScalar } from '../../../../../protocol/ecdsa2p/ot/hex.js';
import {
  addModN,
  bigIntToWords,
  isBelowN,
  reduceOnce,
  selectWords,
  subAddModN,
  wordsToBigInt,
} from '../../../../../protocol/ecdsa2p/ot/limbs.js';
import { N } from '../../../../../protocol/ecdsa2p/ot/scalar.js';
import { createSeededRng } from '../../../../../protocol/rng.js';

const rng = createSeededRng('ot primitives');

function element(words: number[]): Uint32Array {
  return Uint32Array.from(words);
}

describe('BlockHasher', () => {
  it('equals SHA-256 for every message length that fits one block', () => {
    const hasher = new BlockHasher();
    for (let len = 0; len <= MAX_BLOCK_MESSAGE; len++) {
      const msg = rng(len);
      hasher.input.set(msg);
      const words = [...hasher.digestWords(len)].map((w) => w.toString(16).padStart(8, '0')).join('');
      expect(words).toBe(toHex(sha256(msg)));
    }
  });

  it('refuses messages longer than one block', () => {
    expect(() => new BlockHasher().digestWords(MAX_BLOCK_MESSAGE + 1)).toThrow(/length/);
  });
});

describe('GF(2^128)', () => {
  it('reduces X^127 · X to X^7 + X^2 + X + 1', () => {
    const x127 = element([0, 0, 0, 0x80000000]);
    const x = element([2, 0, 0, 0]);
    expect(Array.from(gfMul(x127, x))).toEqual([0x87, 0, 0, 0]);
  });

  it('is commutative and distributive on random elements', () => {
    for (let k = 0; k < 20; k++) {
      const a = gfFromBytes(rng(16));
      const b = gfFromBytes(rng(16));
      const c = gfFromBytes(rng(16));
      expect(toHex(gfToBytes(gfMul(a, b)))).toBe(toHex(gfToBytes(gfMul(b, a))));
      const bc = b.map((w, i) => w ^ (c[i] as number));
      const left = gfMul(a, bc);
      const right = gfMul(a, b).map((w, i) => w ^ (gfMul(a, c)[i] as number));
      expect(toHex(gfToBytes(left))).toBe(toHex(gfToBytes(right)));
    }
  });

  it('has 1 as the identity', () => {
    const a = gfFromBytes(rng(16));
    expect(toHex(gfToBytes(gfMul(a, element([1, 0, 0, 0]))))).toBe(toHex(gfToBytes(a)));
  });
});

describe('transposeColumns', () => {
  it('matches the bit-by-bit reference', () => {
    const columns = rng(128 * 80);
    expect(toHex(transposeColumns(columns, 128, 640))).toBe(toHex(transposeColumnsSlow(columns, 128, 640)));
  });
});

describe('hex and scalar codecs', () => {
  it('round-trips bytes and scalars', () => {
    const bytes = rng(96);
    expect(toHex(decodeHex(toHex(bytes), 96) as Uint8Array)).toBe(toHex(bytes));
    const view = new DataView(new ArrayBuffer(32));
    const x = (1n << 255n) + 12345678901234567890n;
    writeScalar(view, 0, x);
    expect(readScalar(view, 0)).toBe(x);
  });

  it('rejects upper-case, non-hex and wrong-length strings', () => {
    expect(decodeHex('AB', 1)).toBeUndefined();
    expect(decodeHex('zz', 1)).toBeUndefined();
    expect(decodeHex('abc', 1)).toBeUndefined();
    expect(decodeHex('ab', 2)).toBeUndefined();
    expect(decodeHex(12, 1)).toBeUndefined();
    expect(decodeHex('0\u0130', 1)).toBeUndefined();
  });
});

describe('word arithmetic mod n', () => {
  function words(x: bigint): Uint32Array {
    const out = new Uint32Array(8);
    bigIntToWords(x, out, 0);
    return out;
  }

  function randomBelow(bound: bigint): bigint {
    let x = 0n;
    for (const b of rng(40)) x = (x << 8n) | BigInt(b);
    return x % bound;
  }

  it('computes (a − b + c) mod n like BigInt, including the edge values', () => {
    const edges = [0n, 1n, N - 1n, N - 2n, (1n << 255n) - 1n];
    const values = [...edges, ...Array.from({ length: 30 }, () => randomBelow(N))];
    const out = new Uint32Array(8);
    for (let k = 0; k < 300; k++) {
      const a = values[k % values.length] as bigint;
      const b = values[(k * 7 + 3) % values.length] as bigint;
      const c = values[(k * 13 + 5) % values.length] as bigint;
      subAddModN(words(a), 0, words(b), 0, words(c), 0, out, 0);
      expect(wordsToBigInt(out, 0)).toBe((((a - b + c) % N) + N) % N);
    }
  });

  it('reduces values in [n, 2^256) once and leaves smaller ones alone', () => {
    for (const x of [0n, N - 1n, N, N + 5n, (1n << 256n) - 1n]) {
      const w = words(x);
      reduceOnce(w, 0);
      expect(wordsToBigInt(w, 0)).toBe(x % N);
    }
  });

  it('adds mod n like BigInt and selects by a bit', () => {
    const values = [0n, 1n, N - 1n, N - 2n, ...Array.from({ length: 20 }, () => randomBelow(N))];
    const out = new Uint32Array(8);
    for (const a of values) {
      for (const b of values.slice(0, 6)) {
        addModN(words(a), 0, words(b), 0, out, 0);
        expect(wordsToBigInt(out, 0)).toBe((a + b) % N);
      }
    }
    selectWords(1, words(5n), 0, words(7n), 0, out, 0);
    expect(wordsToBigInt(out, 0)).toBe(5n);
    selectWords(0, words(5n), 0, words(7n), 0, out, 0);
    expect(wordsToBigInt(out, 0)).toBe(7n);
  });

  it('tells values below n from n and above', () => {
    expect(isBelowN(words(N - 1n), 0)).toBe(true);
    expect(isBelowN(words(0n), 0)).toBe(true);
    expect(isBelowN(words(N), 0)).toBe(false);
    expect(isBelowN(words((1n << 256n) - 1n), 0)).toBe(false);
  });
});
