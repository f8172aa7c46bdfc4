/**
 * Shared test setup. Argon2 at 64 MiB costs ~250 ms per run, so most tests pass an explicitly
 * test-only cost and bounds (the bounds checker still runs; production callers never pass bounds,
 * and `PRODUCTION_ARGON2_BOUNDS` is tested separately, including one run at the full default).
 */

import { fromHex, toHex } from '../../../../protocol/bytes.js';
import type { Argon2Bounds } from '../../../../protocol/pin/argon2.js';
import type { EnrolEvaluateRequest, EvaluateRequest, GuardEvaluation } from '../../../../protocol/pin/messages.js';
import type { GuardPurpose } from '../../../../protocol/pin/oprf.js';
import { deriveGuardKeyPair, evaluateBlinded, poprfInfo } from '../../../../protocol/pin/oprf.js';
import { createSeededRng } from '../../../../protocol/rng.js';

export const TEST_ARGON2_BOUNDS: Argon2Bounds = {
  minMemoryKiB: 64,
  maxMemoryKiB: 262_144,
  minIterations: 1,
  maxIterations: 10,
  minParallelism: 1,
  maxParallelism: 4,
};
export const TEST_ARGON2_COST = { memoryKiB: 64, iterations: 1, parallelism: 1 };

export function testGuard(seed = 'tandem/test/guard') {
  const rng = createSeededRng(seed);
  return { rng, ...deriveGuardKeyPair(rng(32)) };
}

/** The guard's pure evaluation step (what relay/pin-guard does after counting). */
export function guardEvaluate(
  secretKey: Uint8Array,
  keyId: string,
  request: EvaluateRequest | EnrolEvaluateRequest,
  epoch: number,
  nonce: Uint8Array,
  rng: (n: number) => Uint8Array,
): GuardEvaluation {
  const info = poprfInfo(request.customerId, request.purpose as GuardPurpose, keyId, epoch);
  const { evaluated, proof } = evaluateBlinded(secretKey, fromHex(request.blinded, 'blinded'), info, rng);
  return { nonce: toHex(nonce), epoch, evaluated: toHex(evaluated), proof: toHex(proof) };
}
