import { describe, expect, it } from 'vitest';
import {
  birthEnvelope,
  parseWalletCreateParams,
  startEd25519Birth,
  startTaprootDkg,
  WalletCreateParamsError,
} from '../../../../../extension/background/flows/wallet-create-plan.js';
import { frostDkgSessionId } from '../../../../../protocol/frost/index.js';
import { createSeededRng } from '../../../../../protocol/rng.js';

const HEX = 'ab'.repeat(32);
const ed25519 = {
  sessionId: HEX,
  protocol: 'ed25519/birth',
  accounts: [{ chain: 'solana' as const, index: 0 }],
  exportContext: { customerId: 'c1', keyId: 'export:c1', version: 1 },
  serverExportKeyPart: 'cd'.repeat(32),
};
const taproot = { keyId: 'taproot:c1', ceremonyId: 'cer_1', protocol: 'frost/dkg', group: 'secp256k1' as const };

describe('wallet-create announcements', () => {
  it('accepts what the relay sends for EVM, Solana and Taproot', () => {
    const params = {
      ecdsa: [{ family: 'evm', keyId: 'evm:c1', sessionId: HEX }],
      ed25519,
      taproot: { ...taproot, sessionId: HEX },
      blockchains: ['ETH-SEPOLIA'],
    };
    expect(parseWalletCreateParams(params).ecdsa[0]?.family).toBe('evm');
  });

  it('refuses params that are not an object', () => {
    expect(() => parseWalletCreateParams(null)).toThrow(WalletCreateParamsError);
  });

  it('refuses an ecdsa field that is not a list', () => {
    expect(() => parseWalletCreateParams({ ecdsa: {}, ed25519: null })).toThrow(/params.ecdsa: not a list/);
  });

  it('refuses an unknown ECDSA family', () => {
    expect(() =>
      parseWalletCreateParams({ ecdsa: [{ family: 'tron', keyId: 'k', sessionId: HEX }], ed25519: null }),
    ).toThrow(/params.ecdsa.0.family/);
  });

  it('refuses an ECDSA session id that is not 32-byte hex', () => {
    expect(() =>
      parseWalletCreateParams({ ecdsa: [{ family: 'evm', keyId: 'k', sessionId: 'ab' }], ed25519: null }),
    ).toThrow(/params.ecdsa.0.sessionId/);
  });

  it('refuses a birth without a 32-byte k_S', () => {
    expect(() => parseWalletCreateParams({ ecdsa: [], ed25519: { ...ed25519, serverExportKeyPart: 'cd' } })).toThrow(
      /serverExportKeyPart/,
    );
  });

  it('refuses a Taproot DKG in another group', () => {
    expect(() =>
      parseWalletCreateParams({ ecdsa: [], ed25519: null, taproot: { ...taproot, sessionId: HEX, group: 'ed25519' } }),
    ).toThrow(/params.taproot/);
  });

  it('births the ed25519 family with the relay’s k_S: the server part goes out, the client part stays', () => {
    const { birth, payload } = startEd25519Birth(ed25519, createSeededRng('plan/birth'));
    expect(payload.accounts[0]?.keyShare.role).toBe('server');
    expect(birth.client.accounts[0]?.keyShare.role).toBe('client');
    expect(birth.server.exportKeyPart).toBe(ed25519.serverExportKeyPart);
    expect(birthEnvelope(ed25519, payload)).toMatchObject({
      v: 1,
      protocol: 'ed25519/birth',
      sessionId: HEX,
      round: 1,
      from: 'client',
    });
    expect(JSON.stringify(payload)).not.toContain(birth.client.exportKeyPart);
  });

  it('starts the Taproot DKG when the announced session id is the one its key and ceremony ids give', () => {
    const sessionId = frostDkgSessionId({ group: 'secp256k1', keyId: taproot.keyId, ceremonyId: taproot.ceremonyId });
    const step = startTaprootDkg({ ...taproot, sessionId }, createSeededRng('plan/taproot'));
    expect(step.outgoing[0]?.sessionId).toBe(sessionId);
  });

  it('refuses a Taproot DKG whose announced session id does not follow from its ids', () => {
    expect(() => startTaprootDkg({ ...taproot, sessionId: HEX }, createSeededRng('plan/taproot'))).toThrow(
      /params.taproot.sessionId/,
    );
  });
});
