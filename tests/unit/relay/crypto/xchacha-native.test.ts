import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8ToBytes } from '../../../../protocol/bytes.js';
import { createSeededRng } from '../../../../protocol/rng.js';
import { AeadAuthenticationError, xchachaDecrypt, xchachaEncrypt } from '../../../../relay/crypto/xchacha-native.js';

describe('xchachaEncrypt / xchachaDecrypt (OpenSSL ChaCha20-Poly1305 under an HChaCha20 subkey)', () => {
  it('reproduces the draft-irtf-cfrg-xchacha-03 §A.3.1 AEAD vector', () => {
    const plaintext = utf8ToBytes(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
    );
    const aad = fromHex('50515253c0c1c2c3c4c5c6c7');
    const key = fromHex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
    const nonce = fromHex('404142434445464748494a4b4c4d4e4f5051525354555657');
    const sealed = xchachaEncrypt(key, nonce, aad, plaintext);
    expect(toHex(sealed.subarray(sealed.length - 16))).toBe('c0875924c1c7987947deafd8780acf49');
    expect(toHex(sealed.subarray(0, 16))).toBe('bd6d179d3e83d43b9576579493c0e939');
    expect(toHex(xchachaDecrypt(key, nonce, aad, sealed))).toBe(toHex(plaintext));
  });

  it("matches noble's xchacha20poly1305 both ways, from empty to 64 KB", () => {
    const rng = createSeededRng('xchacha-native');
    for (const size of [0, 1, 63, 64, 65, 1000, 27_000, 65_536]) {
      const key = rng(32);
      const nonce = rng(24);
      const aad = rng(size % 50);
      const plaintext = rng(size);
      const noble = xchacha20poly1305(key, nonce, aad).encrypt(plaintext);
      expect(toHex(xchachaEncrypt(key, nonce, aad, plaintext))).toBe(toHex(noble));
      expect(toHex(xchachaDecrypt(key, nonce, aad, noble))).toBe(toHex(plaintext));
    }
  });

  const rng = createSeededRng('xchacha-refusals');
  const key = rng(32);
  const nonce = rng(24);
  const aad = rng(12);
  const sealed = xchachaEncrypt(key, nonce, aad, rng(100));

  it('refuses a flipped ciphertext bit', () => {
    const bad = sealed.slice();
    bad[3] = (bad[3] as number) ^ 1;
    expect(() => xchachaDecrypt(key, nonce, aad, bad)).toThrow(AeadAuthenticationError);
  });

  it('refuses a flipped tag bit', () => {
    const bad = sealed.slice();
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 0x80;
    expect(() => xchachaDecrypt(key, nonce, aad, bad)).toThrow(AeadAuthenticationError);
  });

  it('refuses other associated data', () => {
    expect(() => xchachaDecrypt(key, nonce, rng(12), sealed)).toThrow(AeadAuthenticationError);
  });

  it('refuses another nonce (in the HChaCha20 prefix and in the ChaCha20 suffix)', () => {
    for (const i of [0, 20]) {
      const other = nonce.slice();
      other[i] = (other[i] as number) ^ 1;
      expect(() => xchachaDecrypt(key, other, aad, sealed)).toThrow(AeadAuthenticationError);
    }
  });

  it('refuses another key', () => {
    expect(() => xchachaDecrypt(rng(32), nonce, aad, sealed)).toThrow(AeadAuthenticationError);
  });

  it('refuses a value shorter than the tag', () => {
    expect(() => xchachaDecrypt(key, nonce, aad, sealed.subarray(0, 15))).toThrow(AeadAuthenticationError);
  });

  it('refuses a key or nonce of the wrong length, naming it', () => {
    expect(() => xchachaEncrypt(key.subarray(1), nonce, aad, sealed)).toThrow(/key: expected 32 bytes, got 31/);
    expect(() => xchachaEncrypt(key, nonce.subarray(1), aad, sealed)).toThrow(/nonce: expected 24 bytes, got 23/);
  });
});
