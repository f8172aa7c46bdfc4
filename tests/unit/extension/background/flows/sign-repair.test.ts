import { describe, expect, it } from 'vitest';
import { emptyBundle } from '../../../../../extension/background/bundle.js';
import { createCeremonyStore } from '../../../../../extension/background/ceremonies.js';
import { CeremonyFailedError } from '../../../../../extension/background/ceremony-runner.js';
import type { FlowContext, FlowRequest } from '../../../../../extension/background/flows/context.js';
import { CeremonyRefusedError } from '../../../../../extension/background/flows/session.js';
import {
  burningAwareDriver,
  isStalePairingRefusal,
  keepRepairedShare,
  keepShareOnDevice,
  parseRepairAnnouncement,
  runRepair,
  withEcdsaShare,
} from '../../../../../extension/background/flows/sign-repair.js';
import { SigningRefusedError } from '../../../../../extension/background/flows/signing-requests.js';
import { PinGuardError } from '../../../../../extension/background/pin-guard-client.js';
import type { RelayConnection } from '../../../../../extension/background/relay-client.js';
import { createWalletStore } from '../../../../../extension/background/wallet-store.js';
import { toHex } from '../../../../../protocol/bytes.js';
import {
  type Ecdsa2pKeyShare,
  REPAIR_PROTOCOL,
  type RepairState,
  receiveRepair,
  startRepair,
} from '../../../../../protocol/ecdsa2p/index.js';
import { InvalidMessageError, ProtocolAbortError } from '../../../../../protocol/errors.js';
import { createArgon2Params } from '../../../../../protocol/pin/argon2.js';
import type { GuardedKdf } from '../../../../../protocol/pin/wrap.js';
import { createSeededRng } from '../../../../../protocol/rng.js';
import type { Envelope } from '../../../../../protocol/session.js';
import { runLocalEcdsaDkg } from '../../../../helpers/node1.js';
import { testGuard } from '../../../protocol/pin/fixtures.js';
import { FakeStorageArea, fakeClock } from '../../fakes.js';

const CUSTOMER = '00000000-0000-4000-8000-0000000000c2';
const CHALLENGE = '00000000-0000-4000-8000-0000000000d2';
const rng = createSeededRng('sign-repair');
const SESSION = toHex(rng(32));

describe('the relay’s re-pairing announcement', () => {
  it('is absent when the relay announces none', () => {
    expect(parseRepairAnnouncement(undefined)).toBeUndefined();
  });

  it('reads { protocol, sessionId }', () => {
    expect(parseRepairAnnouncement({ protocol: REPAIR_PROTOCOL, sessionId: SESSION })).toEqual({
      protocol: REPAIR_PROTOCOL,
      sessionId: SESSION,
    });
  });

  it('refuses another protocol', () => {
    expect(() => parseRepairAnnouncement({ protocol: 'ecdsa2p/sign', sessionId: SESSION })).toThrow(
      SigningRefusedError,
    );
  });

  it('refuses a session id that is not 32-byte hex', () => {
    expect(() => parseRepairAnnouncement({ protocol: REPAIR_PROTOCOL, sessionId: 'ab' })).toThrow(SigningRefusedError);
  });

  it('refuses unknown keys', () => {
    expect(() => parseRepairAnnouncement({ protocol: REPAIR_PROTOCOL, sessionId: SESSION, extra: 1 })).toThrow(
      SigningRefusedError,
    );
  });

  it('refuses a non-object', () => {
    expect(() => parseRepairAnnouncement(true)).toThrow(SigningRefusedError);
  });
});

/** A connection whose relay side runs the server's re-pairing in memory. */
function repairingConnection(serverShare: Ecdsa2pKeyShare, sessionId: string) {
  const listeners = new Set<(e: Envelope<unknown>) => void>();
  const serverRng = createSeededRng('sign-repair/server');
  const started = startRepair({ share: serverShare, sessionId, rng: serverRng });
  let state: RepairState = started.state;
  let serverOutput: Ecdsa2pKeyShare | undefined;
  const emit = (e: Envelope<unknown>) =>
    queueMicrotask(() => {
      for (const l of listeners) l(e);
    });
  const controls: unknown[] = [];
  const connection = {
    send(envelope: Envelope<unknown>) {
      const step = receiveRepair(state, envelope, serverRng);
      state = step.state;
      if (step.output) serverOutput = step.output;
      for (const e of step.outgoing) emit(e);
    },
    sendControl(message: unknown) {
      controls.push(message);
    },
    onEnvelope(listener: (e: Envelope<unknown>) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onClose() {},
    close() {},
  } as unknown as RelayConnection;
  return {
    connection,
    controls,
    start: () => {
      for (const e of started.outgoing) emit(e);
    },
    server: () => serverOutput,
  };
}

function flowContext(overrides: Partial<FlowContext> = {}): FlowContext {
  const clock = fakeClock();
  return {
    relayOrigin: 'https://relay.example',
    rng,
    clock: clock.now,
    ceremonies: createCeremonyStore({ session: new FakeStorageArea(), clock: clock.now }),
    wallets: createWalletStore({ local: new FakeStorageArea() }),
    ...overrides,
  } as FlowContext;
}

const request: FlowRequest = {
  approvalId: '00000000-0000-4000-8000-0000000000a2',
  challengeId: CHALLENGE,
  customerId: CUSTOMER,
  report: () => undefined,
};

describe('running the re-pairing as Node 1', () => {
  it('re-pairs with the relay: same share and key, fresh correlations matching the relay’s', async () => {
    const { client, server } = runLocalEcdsaDkg(`ecdsa:${CUSTOMER}:evm`, createSeededRng('sign-repair/dkg'));
    const relaySide = repairingConnection(server, SESSION);
    const pending = runRepair(flowContext(), request, relaySide.connection, {
      ceremonyId: 'cer_1',
      share: client,
      announced: { protocol: REPAIR_PROTOCOL, sessionId: SESSION },
    });
    relaySide.start();
    const repaired = await pending;
    expect(repaired.secretShare).toBe(client.secretShare);
    expect(repaired.publicKey).toBe(client.publicKey);
    expect(repaired.ot.sender.setupId).not.toBe(client.ot.sender.setupId);
    expect(relaySide.server()?.ot.receiver.setupId).toBe(repaired.ot.sender.setupId);
    expect(withEcdsaShare(emptyBundle(), 'evm', repaired).ecdsa.evm).toBe(repaired);
  });
});

describe('a burning abort caught by Node 1', () => {
  const inner = {
    protocol: 'ecdsa2p/sign',
    receive: (_s: string, e: Envelope<unknown>) => {
      if (e.round === 1)
        throw new ProtocolAbortError({
          culprit: 'server',
          reason: 'rvole-consistency',
          detail: 'the RVOLE check failed',
        });
      if (e.round === 2)
        throw new ProtocolAbortError({ culprit: 'server', reason: 'bad-proof', detail: 'a proof failed' });
      return { state: 'next', outgoing: [], output: undefined };
    },
  };
  const envelope = (round: number) => ({ protocol: 'ecdsa2p/sign', round }) as unknown as Envelope<unknown>;

  function setup() {
    const controls: any[] = [];
    const burned: string[] = [];
    const connection = { sendControl: (m: unknown) => controls.push(m) } as unknown as RelayConnection;
    const driver = burningAwareDriver(inner, connection, 'cer_2', (reason) => burned.push(reason));
    return { controls, burned, driver };
  }

  it('tells the relay with the reason as the abort code, remembers it and still throws', () => {
    const { controls, burned, driver } = setup();
    expect(() => driver.receive('s', envelope(1))).toThrow(ProtocolAbortError);
    expect(burned).toEqual(['rvole-consistency']);
    expect(controls).toEqual([
      expect.objectContaining({ type: 'session.abort', ceremonyId: 'cer_2', code: 'rvole-consistency' }),
    ]);
  });

  it('does not burn on an abort that is not a consistency check', () => {
    const { controls, burned, driver } = setup();
    expect(() => driver.receive('s', envelope(2))).toThrow(ProtocolAbortError);
    expect(burned).toEqual([]);
    expect(controls).toEqual([]);
  });

  it('passes a good round through unchanged', () => {
    const { controls, driver } = setup();
    expect(driver.receive('s', envelope(3)).state).toBe('next');
    expect(controls).toEqual([]);
  });
});

describe('a stale pairing refused by the relay', () => {
  const stale = new InvalidMessageError({ from: 'client', field: 'setupId', expected: 'the pairing’s setup id' });

  it('is recognised from the relay’s abort naming setupId', () => {
    expect(
      isStalePairingRefusal(
        new CeremonyFailedError('c', 'aborted', `the relay stopped the ceremony: ${stale.message}`),
      ),
    ).toBe(true);
    expect(isStalePairingRefusal(new CeremonyRefusedError('invalid-message', stale.message))).toBe(true);
  });

  it('is not confused with another refusal or our own protocol failure', () => {
    expect(
      isStalePairingRefusal(new CeremonyFailedError('c', 'aborted', 'the relay stopped the ceremony: digest')),
    ).toBe(false);
    expect(isStalePairingRefusal(new CeremonyFailedError('c', 'protocol', stale.message))).toBe(false);
    expect(isStalePairingRefusal(new Error(stale.message))).toBe(false);
  });
});

describe('keeping a changed share', () => {
  const kdf = {
    kind: 'argon2id+poprf',
    argon2: createArgon2Params(rng),
    guard: testGuard().guard,
    epoch: 1,
  } as GuardedKdf;
  const key = { rootKey: new Uint8Array(32).fill(3), kdf };
  const notYet = () =>
    new PinGuardError(
      'refused',
      'a sign-message challenge stores the PIN copy only after its signing re-paired the key, which it has not (yet)',
    );

  function guard(failures: (() => Error)[]) {
    const stored: unknown[] = [];
    return {
      stored,
      pinGuard: {
        async storeCopy(_c: string, wrapped: unknown) {
          const next = failures.shift();
          if (next) throw next();
          stored.push(wrapped);
        },
      },
    };
  }

  it('retries while the relay has not recorded its side of the re-pairing, then stores at the relay and here', async () => {
    const g = guard([notYet, notYet]);
    const ctx = flowContext({ pinGuard: g.pinGuard as never });
    const sleeps: number[] = [];
    const where = await keepRepairedShare(ctx, { ...request, bundle: emptyBundle(), key }, async (ms) => {
      sleeps.push(ms);
    });
    expect(sleeps).toEqual([100, 100]);
    expect(where).toBe('relay-and-device');
    expect(g.stored).toHaveLength(1);
    expect((await ctx.wallets.get(ctx.relayOrigin, CUSTOMER))?.wrapped).toEqual(g.stored[0]);
  });

  it('after the wait, keeps the re-paired share on this device only', async () => {
    const clock = fakeClock();
    const g = guard(Array.from({ length: 100 }, () => notYet));
    const ctx = flowContext({ pinGuard: g.pinGuard as never, clock: clock.now });
    const where = await keepRepairedShare(ctx, { ...request, bundle: emptyBundle(), key }, async (ms) =>
      clock.advance(ms),
    );
    expect(where).toBe('device');
    expect(g.stored).toEqual([]);
    expect((await ctx.wallets.get(ctx.relayOrigin, CUSTOMER))?.wrapped.method).toBe('pin');
  });

  it('does not retry another refusal, and keeps the share on this device', async () => {
    const g = guard([
      () => new PinGuardError('refused', 'the re-paired PIN copy was already stored for this challenge'),
    ]);
    const ctx = flowContext({ pinGuard: g.pinGuard as never });
    const where = await keepRepairedShare(ctx, { ...request, bundle: emptyBundle(), key }, async () => {
      throw new Error('should not wait');
    });
    expect(where).toBe('device');
    expect(await ctx.wallets.get(ctx.relayOrigin, CUSTOMER)).toBeDefined();
  });

  it('passes on an error that is not the relay refusing the copy', async () => {
    const g = guard([() => new TypeError('storage broke')]);
    const ctx = flowContext({ pinGuard: g.pinGuard as never });
    await expect(keepRepairedShare(ctx, { ...request, bundle: emptyBundle(), key })).rejects.toThrow(TypeError);
  });

  it('keeps a burned share on this device only', async () => {
    const g = guard([]);
    const ctx = flowContext({ pinGuard: g.pinGuard as never });
    await keepShareOnDevice(ctx, { customerId: CUSTOMER, bundle: emptyBundle(), key });
    expect(g.stored).toEqual([]);
    expect((await ctx.wallets.get(ctx.relayOrigin, CUSTOMER))?.wrapped.method).toBe('pin');
  });
});
