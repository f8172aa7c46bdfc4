import { p256, p256_oprf } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../protocol/bytes.js';
import { InvalidMessageError, ProtocolAbortError } from '../../../../protocol/errors.js';
import {
  blindInput,
  evaluateBlinded,
  evaluateDirectly,
  finalizeEvaluation,
  guardPublicKeyFromSecret,
  parseElement,
  parseGuardPublicKey,
  poprfInfo,
  poprfTweakedKey,
} from '../../../../protocol/pin/oprf.js';
import { createSeededRng } from '../../../../protocol/rng.js';
import { testGuard } from './fixtures.js';

const rng = createSeededRng('tandem/test/oprf');
const { secretKey, guard } = testGuard();
const pk = fromHex(guard.publicKey, 'pk');
const input = new TextEncoder().encode('482915');
const info = poprfInfo('cust-1', 'pin', guard.keyId, 1);

function roundTrip(evalInfo = info, finalInfo = info) {
  const { blind, blinded } = blindInput(input, pk, rng);
  const { evaluated, proof } = evaluateBlinded(secretKey, blinded, evalInfo, rng);
  return finalizeEvaluation({ input, blind, blinded, evaluated, proof, publicKey: pk, info: finalInfo });
}

describe('POPRF on P-256', () => {
  it('client output equals the key holder’s direct evaluation, and blinding hides nothing from the result', () => {
    const a = roundTrip();
    const b = roundTrip();
    expect(toHex(a)).toBe(toHex(b));
    expect(toHex(a)).toBe(toHex(evaluateDirectly(secretKey, input, info)));
  });

  it('our tweaked key matches noble’s RFC 9497 computation', () => {
    const fromNoble = p256_oprf.poprf(info).blind(input, pk).tweakedKey;
    expect(toHex(poprfTweakedKey(pk, info))).toBe(toHex(fromNoble));
  });

  it('an evaluation for another customer (info) fails the proof check instead of giving a usable output', () => {
    const other = poprfInfo('cust-2', 'pin', guard.keyId, 1);
    expect(() => roundTrip(other, info)).toThrow(ProtocolAbortError);
  });

  it('a different purpose or epoch gives a different output', () => {
    const q = poprfInfo('cust-1', 'questions', guard.keyId, 1);
    const e2 = poprfInfo('cust-1', 'pin', guard.keyId, 2);
    expect(toHex(roundTrip(q, q))).not.toBe(toHex(roundTrip()));
    expect(toHex(roundTrip(e2, e2))).not.toBe(toHex(roundTrip()));
  });

  it('an evaluation under another guard key fails the proof against the pinned key', () => {
    const other = testGuard('another guard');
    const { blind, blinded } = blindInput(input, pk, rng);
    const { evaluated, proof } = evaluateBlinded(other.secretKey, blinded, info, rng);
    expect(() => finalizeEvaluation({ input, blind, blinded, evaluated, proof, publicKey: pk, info })).toThrow(
      /does not verify/,
    );
  });

  it('a tampered proof is refused', () => {
    const { blind, blinded } = blindInput(input, pk, rng);
    const { evaluated, proof } = evaluateBlinded(secretKey, blinded, info, rng);
    proof[5] = (proof[5] as number) ^ 1;
    expect(() => finalizeEvaluation({ input, blind, blinded, evaluated, proof, publicKey: pk, info })).toThrow(
      ProtocolAbortError,
    );
  });

  it('parseElement refuses wrong length, non-hex, upper-case hex and the identity', () => {
    const good = toHex(p256.Point.BASE.toBytes(true));
    expect(toHex(parseElement(good, 'blinded', 'client'))).toBe(good);
    expect(() => parseElement(good.slice(0, 64), 'blinded', 'client')).toThrow(InvalidMessageError);
    expect(() => parseElement(good.toUpperCase(), 'blinded', 'client')).toThrow(/33-byte/);
    expect(() => parseElement(`00${'00'.repeat(32)}`, 'blinded', 'client')).toThrow(InvalidMessageError);
    expect(() => parseElement(42, 'blinded', 'client')).toThrow(/blinded/);
  });

  it('parseElement refuses an x coordinate that is not on the curve', () => {
    // Find an x with no point (about half of all x values).
    let refused = 0;
    for (let x = 1; x < 20; x++) {
      const hex = `02${x.toString(16).padStart(64, '0')}`;
      try {
        parseElement(hex, 'evaluated', 'server');
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidMessageError);
        expect((error as Error).message).toMatch(/point on P-256/);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
  });

  it('parseElement refuses an uncompressed encoding', () => {
    expect(() => parseElement(toHex(p256.Point.BASE.toBytes(false)), 'blinded', 'client')).toThrow(InvalidMessageError);
  });

  it('the guard public key is recomputed from the secret and its key id is checked', () => {
    expect(guardPublicKeyFromSecret(secretKey)).toEqual(guard);
    expect(parseGuardPublicKey(guard)).toEqual(guard);
    expect(() => parseGuardPublicKey({ ...guard, keyId: '00'.repeat(8) })).toThrow(/fingerprint/);
    expect(() => parseGuardPublicKey({ ...guard, suite: 'ristretto255-SHA512' })).toThrow(/suite/);
    expect(() => parseGuardPublicKey({ ...guard, extra: 1 })).toThrow(/guard.extra/);
  });
});
