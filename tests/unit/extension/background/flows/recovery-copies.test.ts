import { describe, expect, it } from 'vitest';
import { emptyBundle, type Node1Bundle, parseBundle } from '../../../../../extension/background/bundle.js';
import {
  recoveryKeyEntry,
  rewrappableMethods,
  rewrapRecoveryCopies,
  withRecoveryKey,
  wrapRecoveryCopy,
} from '../../../../../extension/background/flows/recovery-copies.js';
import type { PinGuardClient } from '../../../../../extension/background/pin-guard-client.js';
import { unwrapBundleJson, type WrapHeader, type WrappedSecret } from '../../../../../protocol/pin/wrap.js';
import { createSeededRng } from '../../../../../protocol/rng.js';

const CUSTOMER = '00000000-0000-4000-8000-0000000000c1';
const rng = createSeededRng('recovery-copies');
const kitHeader: WrapHeader = {
  method: 'kit',
  customerId: CUSTOMER,
  kdf: { kind: 'recovery-kit', saltHex: '11'.repeat(16) },
};
const emailHeader: WrapHeader = {
  method: 'email',
  customerId: CUSTOMER,
  kdf: { kind: 'relay-key-part', saltHex: '22'.repeat(16) },
};
const kitKey = new Uint8Array(32).fill(7);
const emailKey = new Uint8Array(32).fill(9);

function bundleWithKeys(): Node1Bundle {
  const withKit = withRecoveryKey(emptyBundle(), 'kit', recoveryKeyEntry(kitHeader, kitKey, 'ab'.repeat(32)));
  return withRecoveryKey(withKit, 'email', recoveryKeyEntry(emailHeader, emailKey));
}

/** Records what would be uploaded; the relay side is covered by tests/e2e/extension/pin-change.test.ts. */
function recordingGuard(): { guard: PinGuardClient; stored: { wrapped: WrappedSecret; kitPublicKey?: string }[] } {
  const stored: { wrapped: WrappedSecret; kitPublicKey?: string }[] = [];
  const guard = {
    async storeCopy(_challengeId: string, wrapped: WrappedSecret, kitPublicKey?: string) {
      stored.push({ wrapped, ...(kitPublicKey === undefined ? {} : { kitPublicKey }) });
    },
  } as unknown as PinGuardClient;
  return { guard, stored };
}

describe('the recovery keys a bundle carries', () => {
  it('adds a key without touching the shares or the other keys, and survives parseBundle', () => {
    const bundle = bundleWithKeys();
    expect(rewrappableMethods(bundle)).toEqual(['kit', 'email']);
    expect(bundle.recovery?.kit?.kitPublicKey).toBe('ab'.repeat(32));
    expect(bundle.recovery?.email?.rootKeyHex).toBe('09'.repeat(32));
    expect(parseBundle(JSON.parse(JSON.stringify(bundle)))).toEqual(bundle);
  });

  it('refuses a header of another method', () => {
    expect(() => withRecoveryKey(emptyBundle(), 'kit', recoveryKeyEntry(emailHeader, emailKey))).toThrow(
      /email header cannot wrap the kit copy/,
    );
  });

  it('has nothing to re-wrap for a bundle without keys', () => {
    expect(rewrappableMethods(emptyBundle())).toEqual([]);
  });
});

describe('re-wrapping the recovery copies', () => {
  it('wraps the whole bundle under the key it carries, with a fresh IV each time', async () => {
    const bundle = bundleWithKeys();
    const first = await wrapRecoveryCopy({ rng }, bundle, 'email');
    const second = await wrapRecoveryCopy({ rng }, bundle, 'email');
    expect(first.wrapped.iv).not.toBe(second.wrapped.iv);
    expect(first.wrapped.kdf).toEqual(emailHeader.kdf);
    expect(await unwrapBundleJson(first.wrapped, emailKey)).toEqual(bundle);
  });

  it('sends the kit copy with its public key, and only the kit copy', async () => {
    const { guard, stored } = recordingGuard();
    const methods = await rewrapRecoveryCopies({ rng, pinGuard: guard }, 'challenge', bundleWithKeys());
    expect(methods).toEqual(['kit', 'email']);
    expect(stored.map((s) => [s.wrapped.method, s.kitPublicKey])).toEqual([
      ['kit', 'ab'.repeat(32)],
      ['email', undefined],
    ]);
    expect(await unwrapBundleJson(stored[0]?.wrapped as WrappedSecret, kitKey)).toEqual(bundleWithKeys());
  });

  it('refuses to wrap a copy whose key the bundle lacks', async () => {
    await expect(wrapRecoveryCopy({ rng }, emptyBundle(), 'questions')).rejects.toThrow(
      /no key for the questions copy/,
    );
  });
});

describe('parseBundle on recovery keys', () => {
  const base = { v: 1, ecdsa: {}, ed25519: null };
  it('refuses an unknown method', () => {
    expect(() => parseBundle({ ...base, recovery: { pin: {} } })).toThrow(/unknown method "pin"/);
  });
  it('refuses an entry whose header names another method', () => {
    expect(() =>
      parseBundle({
        ...base,
        recovery: { kit: { header: emailHeader, rootKeyHex: '00'.repeat(32), kitPublicKey: 'ab'.repeat(32) } },
      }),
    ).toThrow(/recovery.kit: expected a header for method kit/);
  });
  it('refuses a root key that is not 32 bytes of hex', () => {
    expect(() => parseBundle({ ...base, recovery: { email: { header: emailHeader, rootKeyHex: 'zz' } } })).toThrow(
      /recovery.email.rootKeyHex/,
    );
  });
  it('refuses a kit entry without its public key', () => {
    expect(() =>
      parseBundle({ ...base, recovery: { kit: { header: kitHeader, rootKeyHex: '00'.repeat(32) } } }),
    ).toThrow(/recovery.kit.kitPublicKey/);
  });
  it('refuses a public key on another method', () => {
    expect(() =>
      parseBundle({
        ...base,
        recovery: { email: { header: emailHeader, rootKeyHex: '00'.repeat(32), kitPublicKey: 'ab'.repeat(32) } },
      }),
    ).toThrow(/recovery.email.kitPublicKey/);
  });
  it('refuses recovery that is not an object', () => {
    expect(() => parseBundle({ ...base, recovery: [] })).toThrow(/recovery: not an object/);
  });
});
