import { describe, expect, it } from 'vitest';
import { emptyBundle, type Node1Bundle } from '../../../../../extension/background/bundle.js';
import { FlowStateError } from '../../../../../extension/background/flows/host.js';
import { recoveryKeyEntry, withRecoveryKey } from '../../../../../extension/background/flows/recovery-copies.js';
import { assertEveryCopyRenewable } from '../../../../../extension/background/flows/update-pin-finish.js';
import type { WrapHeader } from '../../../../../protocol/pin/wrap.js';

const CUSTOMER = '00000000-0000-4000-8000-0000000000c1';
const emailHeader: WrapHeader = {
  method: 'email',
  customerId: CUSTOMER,
  kdf: { kind: 'relay-key-part', saltHex: '22'.repeat(16) },
};
const withShares: Node1Bundle = { ...emptyBundle(), ecdsa: { evm: { role: 'client', keyId: 'k' } as never } };

describe('before a PIN change touches anything', () => {
  it('goes ahead when the bundle can re-wrap every stored recovery copy', () => {
    const bundle = withRecoveryKey(withShares, 'email', recoveryKeyEntry(emailHeader, new Uint8Array(32)));
    expect(() => assertEveryCopyRenewable(bundle, ['email'])).not.toThrow();
  });

  it('refuses when a stored copy has no key in the bundle (it would keep shares that no longer sign)', () => {
    const bundle = withRecoveryKey(withShares, 'email', recoveryKeyEntry(emailHeader, new Uint8Array(32)));
    expect(() => assertEveryCopyRenewable(bundle, ['kit', 'email'])).toThrow(FlowStateError);
    expect(() => assertEveryCopyRenewable(bundle, ['kit', 'email'])).toThrow(
      /your kit recovery cannot be renewed.*Nothing was changed/,
    );
  });

  it('goes ahead for a wallet without shares (no refresh, so old copies stay valid)', () => {
    expect(() => assertEveryCopyRenewable(emptyBundle(), ['kit', 'questions'])).not.toThrow();
  });
});
