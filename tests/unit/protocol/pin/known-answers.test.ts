/**
 * Frozen known answers for the key schedule. Wrapped copies live for years on devices and on the
 * relay: any change to an encoding, tag or derivation would make them unopenable, so these values
 * must only change together with a format version bump and a migration path.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../protocol/bytes.js';
import { stretchSecret } from '../../../../protocol/pin/argon2.js';
import { pinSecret, receiveGuardEvaluation, startGuardedEnrolment } from '../../../../protocol/pin/guarded.js';
import { deriveGuardedKey, deriveVerifierKeyPair } from '../../../../protocol/pin/keys.js';
import type { CompleteEnrolmentRequest } from '../../../../protocol/pin/messages.js';
import { deriveGuardKeyPair, evaluateDirectly, poprfInfo, poprfInput } from '../../../../protocol/pin/oprf.js';
import { deriveRecoveryKitKey } from '../../../../protocol/pin/recovery-kit.js';
import { deriveWrapKey } from '../../../../protocol/pin/wrap.js';
import { createSeededRng } from '../../../../protocol/rng.js';
import { guardEvaluate, TEST_ARGON2_BOUNDS } from './fixtures.js';

const GUARD_SEED = fromHex('01'.repeat(32), 'seed');

describe('key schedule known answers', () => {
  it('guard key, POPRF output, K, V and K_wrap are stable', async () => {
    const { secretKey, guard } = deriveGuardKeyPair(GUARD_SEED);
    const ctx = { customerId: 'kat-customer', purpose: 'pin' as const, keyId: guard.keyId, epoch: 1 };
    const y = evaluateDirectly(
      secretKey,
      poprfInput('pin', new TextEncoder().encode('482915')),
      poprfInfo(ctx.customerId, ctx.purpose, ctx.keyId, ctx.epoch),
    );
    const s = await stretchSecret(
      new TextEncoder().encode('482915'),
      { algorithm: 'argon2id', version: 0x13, memoryKiB: 64, iterations: 1, parallelism: 1, saltHex: '02'.repeat(16) },
      TEST_ARGON2_BOUNDS,
    );
    const k = deriveGuardedKey(s, y, ctx);
    const { verifier } = deriveVerifierKeyPair(k, ctx);
    const snapshot = {
      publicKey: guard.publicKey,
      keyId: guard.keyId,
      y: toHex(y),
      k: toHex(k),
      verifier: toHex(verifier),
      wrapKey: toHex(deriveWrapKey(k, ctx.customerId, 'pin')),
    };
    expect(snapshot).toEqual(KAT.guarded);
  });

  it('the full client flow (Argon2 input encoding included) gives a stable K and V', async () => {
    const { secretKey, guard } = deriveGuardKeyPair(GUARD_SEED);
    const rng = createSeededRng('tandem/kat/flow');
    const start = startGuardedEnrolment({
      customerId: 'kat-customer',
      purpose: 'pin',
      secret: pinSecret('482915', { enrolling: true }),
      guard,
      rng,
      argon2Cost: { memoryKiB: 64, iterations: 1, parallelism: 1 },
      argon2Bounds: TEST_ARGON2_BOUNDS,
    });
    const evaluation = guardEvaluate(secretKey, guard.keyId, start.outgoing[0]!, 1, rng(32), rng);
    const done = await receiveGuardEvaluation(start.state, evaluation, { argon2Bounds: TEST_ARGON2_BOUNDS });
    const complete = done.outgoing[0] as CompleteEnrolmentRequest;
    expect({
      salt: done.output!.kdf.argon2.saltHex,
      k: toHex(done.output!.rootKey),
      verifier: complete.verifier,
    }).toEqual(KAT.flow);
  });

  it('recovery kit key is stable', () => {
    const key = deriveRecoveryKitKey(KAT.kit.code, 'kat-customer', '03'.repeat(16));
    expect(toHex(key)).toBe(KAT.kit.key);
  });
});

const KAT = {
  guarded: {
    publicKey: '03baeb9a601b1b9e58626c1f650cd10ee63e0ca9640d357571df78868407657ae6',
    keyId: '342f5c25a6b21ead',
    y: 'eaf97847a35339e0d2d071c33383f899e2b94ade8a58cd9bc7a3ff93eff41ea0',
    k: 'e833c6d6b2c9115846425b304e0b0e06431d55be733190bbf29f066ecd9e10fe',
    verifier: '50903edcf3ff097d080cf51994aff635667327e89832da86952a42dc65931bae',
    wrapKey: '6d6afafd2b5188fe2426e236285108c89d534959a5e8088122eb75e0477793dc',
  },
  flow: {
    salt: 'e6a2b9c50f21460544d199a8e305b9af',
    k: '8dfa2e487ae35abe9a90a0dcd415469ca7677dc077da2f7e644eff3d50d38ba9',
    verifier: 'd253314e294c6bc02c86d48cf7e005efd734b20f5851f7156ddd02a3058b7c3d',
  },
  kit: {
    code: '9SK4-B1QQ-MSZT-EQX0-HSJJ-7XTR-ERYM',
    key: '43891cc7160e9844df119db1cc2a0a959e783a8d89591bd9aa7becf3500e54c3',
  },
};
