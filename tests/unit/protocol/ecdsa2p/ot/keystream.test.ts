import { chacha20 } from '@noble/ciphers/chacha.js';
import { describe, expect, it } from 'vitest';
import { KEYSTREAM_WORDS, Keystream } from '../../../../../protocol/ecdsa2p/ot/keystream.js';
import { createSeededRng } from '../../../../../protocol/rng.js';

const rng = createSeededRng('tandem/tests/ecdsa2p/ot/keystream');

const wordsBE = (bytes: Uint8Array) => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Uint32Array.from({ length: bytes.length / 4 }, (_, i) => view.getUint32(4 * i, false));
};

describe('Keystream', () => {
  it("equals the first 96 bytes of noble's public chacha20 (nonce 0, counter 0) for random keys", () => {
    const keystream = new Keystream();
    for (let i = 0; i < 50; i++) {
      const key = rng(32);
      const out = new Uint32Array(KEYSTREAM_WORDS + 4).fill(0xdeadbeef);
      keystream.expand(wordsBE(key), out, 2);
      const expected = wordsBE(chacha20(key, new Uint8Array(12), new Uint8Array(96)));
      expect([...out.subarray(2, 2 + KEYSTREAM_WORDS)]).toEqual([...expected]);
      expect(out[0]).toBe(0xdeadbeef); // nothing written before the offset
      expect(out[KEYSTREAM_WORDS + 2]).toBe(0xdeadbeef); // nor after the 24 words
    }
  });

  it('reproduces RFC 8439 Appendix A.1 test vectors #1 and #2 (zero key, zero nonce, counters 0 and 1)', () => {
    const out = new Uint32Array(KEYSTREAM_WORDS);
    new Keystream().expand(new Uint32Array(8), out, 0);
    const hex = [...out].map((w) => w.toString(16).padStart(8, '0')).join('');
    expect(hex).toBe(
      '76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7' +
        'da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586' +
        '9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed',
    );
  });

  it("expandBytes equals noble's public chacha20 under a key and nonce, for lengths across block edges", () => {
    const keystream = new Keystream();
    for (const length of [1, 63, 64, 65, 80, 128, 200]) {
      const key = rng(32);
      const nonce = rng(12);
      const out = new Uint8Array(length + 3).fill(0xee);
      keystream.expandBytes(key, nonce, out, 1, length);
      expect([...out.subarray(1, 1 + length)]).toEqual([...chacha20(key, nonce, new Uint8Array(length))]);
      expect(out[0]).toBe(0xee);
      expect(out[length + 1]).toBe(0xee);
    }
  });
});
