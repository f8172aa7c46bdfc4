import { describe, expect, it } from 'vitest';
import type { Approval } from '../../../../../extension/background/approvals.js';
import type { ChallengeReader, ChallengeReadResult } from '../../../../../extension/background/challenge-reader.js';
import type { FlowContext } from '../../../../../extension/background/flows/context.js';
import { FlowNotAvailableError, FlowStateError } from '../../../../../extension/background/flows/host.js';
import { createPinChangeHost } from '../../../../../extension/background/flows/pin-change-host.js';
import type { RecoveryProofClient } from '../../../../../extension/background/flows/recovery-proof.js';
import { createLockState } from '../../../../../extension/background/lock.js';
import { FakeStorageArea, fakeClock } from '../../fakes.js';

const RELAY = 'http://127.0.0.1:8787';
const CHALLENGE = '00000000-0000-4000-8000-0000000000a1';
const CUSTOMER = '00000000-0000-4000-8000-0000000000c1';

/** The relay's answer for one challenge of `kind` (the ChallengeReader interface is meant for stand-ins). */
function reader(kind: string, state: ChallengeReadResult['state'] = 'ready'): ChallengeReader {
  return {
    async read() {
      if (state !== 'ready') return { state: 'expired' };
      return {
        state: 'ready',
        challenge: {
          challengeId: CHALLENGE,
          kind,
          status: 'pending',
          expiresAt: new Date(Date.now() + 60_000).toISOString(),
          customerId: CUSTOMER,
          businessName: 'Acme',
          hasPin: true,
          hasRecovery: true,
          locked: false,
          payload: null,
          returnUrl: null,
        },
      };
    },
  };
}

const approval: Approval = {
  id: '00000000-0000-4000-8000-0000000000b1',
  createdAt: 0,
  request: { kind: 'business-challenge', relayOrigin: RELAY, challengeId: CHALLENGE, tabId: null, returnUrl: null },
};

/** Records which proof was asked for; the proofs themselves are covered by the e2e test. */
function host(kind: string, state?: ChallengeReadResult['state']) {
  const asked: string[] = [];
  const lock = createLockState({
    session: new FakeStorageArea(),
    alarms: { create: () => undefined, clear: async () => true },
    clock: fakeClock().now,
    autoLockMinutes: async () => 15,
  });
  const proofs = {
    async storedCopies() {
      asked.push('storedCopies');
      return ['kit'];
    },
    async proveKit() {
      asked.push('proveKit');
      throw new Error('no relay here');
    },
  } as unknown as RecoveryProofClient;
  const pinChange = createPinChangeHost({
    challenges: reader(kind, state),
    context: (relayOrigin) => ({ relayOrigin, lock }) as FlowContext,
    newId: () => 'id',
    proofs: () => proofs,
  });
  return { pinChange, asked };
}

describe('the PIN-change steps and their challenge kinds', () => {
  it('refuses a recovery proof in an update-pin request', async () => {
    const { pinChange, asked } = host('update-pin');
    await expect(pinChange.proveKit(approval, 'code')).rejects.toThrow(/not part of a update-pin request/);
    expect(asked).toEqual([]);
  });

  it('refuses the current-PIN step in a reset-pin request', async () => {
    const { pinChange } = host('reset-pin');
    await expect(pinChange.verifyCurrentPin(approval, '482915', () => undefined)).rejects.toThrow(FlowStateError);
  });

  it('refuses any step of a signing request', async () => {
    const { pinChange } = host('sign-message');
    await expect(pinChange.setNewPin(approval, '482915', () => undefined)).rejects.toThrow(/sign-message/);
  });

  it('refuses a challenge the relay no longer offers', async () => {
    const { pinChange } = host('reset-pin', 'expired');
    await expect(pinChange.recoveryOptions(approval)).rejects.toThrow(/this request is expired/);
  });

  it('refuses a dApp request', async () => {
    const { pinChange } = host('reset-pin');
    const dapp = { ...approval, request: { kind: 'dapp-request' } } as unknown as Approval;
    await expect(pinChange.recoveryOptions(dapp)).rejects.toThrow(FlowNotAvailableError);
  });

  it('refuses a new PIN in a reset before any recovery method was proved', async () => {
    const { pinChange, asked } = host('reset-pin');
    await expect(pinChange.setNewPin(approval, '482915', () => undefined)).rejects.toThrow(
      /prove a recovery method first/,
    );
    expect(asked).toEqual(['storedCopies']);
  });

  it('refuses a new PIN in an update before the current PIN', async () => {
    const { pinChange } = host('update-pin');
    await expect(pinChange.setNewPin(approval, '482915', () => undefined)).rejects.toThrow(
      /enter your current PIN first/,
    );
  });

  it('keeps nothing after a failed proof', async () => {
    const { pinChange, asked } = host('reset-pin');
    await expect(pinChange.proveKit(approval, 'code')).rejects.toThrow(/no relay here/);
    await expect(pinChange.setNewPin(approval, '482915', () => undefined)).rejects.toThrow(/prove a recovery method/);
    expect(asked).toEqual(['proveKit', 'storedCopies']);
  });
});
