/**
 * 'export' over /v2/mpc: after a verified PIN, Node 2 releases its shares and k_S in an
 * 'export/release' envelope (never in the challenge result); the client reconstructs the EVM key and
 * the Taproot internal key.
 * A wrong PIN is refused, counted by the guard and audited.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { p2tr, TEST_NETWORK } from '@scure/btc-signer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../protocol/bytes.js';
import { deriveNonHardened } from '../../../../protocol/ecdsa2p/derivation.js';
import { Fn, Point } from '../../../../protocol/ecdsa2p/group.js';
import { exportTaprootInternalKey } from '../../../../protocol/frost/index.js';
import type { WrappedSecret } from '../../../../protocol/pin/wrap.js';
import { getChallenge } from '../../../../relay/challenges/store.js';
import type { PinGuard } from '../../../../relay/pin-guard/types.js';
import { connectPinGuard } from '../../../../relay/recovery/pin-guard-connection.js';
import {
  connectNode1,
  createDevice,
  createTestChallenge,
  createTestCustomer,
  type MpcTestRelay,
  type Node1Client,
  type ProvisionedEvmWallet,
  provisionEvmWallet,
  provisionTaprootWallet,
  startMpcTestRelay,
} from '../../../helpers/node1.js';
import { enrolPin, evaluatePin } from '../../../integration/pin-guard/harness.js';

let relay: MpcTestRelay;
let guard: PinGuard;
let customerId: string;
let client: Node1Client;
let evm: ProvisionedEvmWallet;
let wrapped: WrappedSecret;
const PIN = '482915';

beforeAll(async () => {
  relay = await startMpcTestRelay();
  // A second handle on the relay's in-process guard: same tables, same key file.
  guard = await connectPinGuard({ url: undefined, token: undefined }, relay.db, relay.dataDir);
  customerId = await createTestCustomer(relay);
  const init = await createTestChallenge(relay, customerId, 'initialize');
  client = await connectNode1(relay.wsUrl, createDevice(), customerId, { challengeId: init });
  evm = await provisionEvmWallet(relay, customerId);
  wrapped = await enrolPin(guard, customerId, PIN);
});
afterAll(async () => {
  await client?.close();
  await guard?.close();
  await relay?.stop();
});

async function pinProof(pin: string) {
  const e = await evaluatePin(guard, wrapped, pin);
  const { verify } = await e.finish();
  return { nonce: verify.nonce, proof: verify.proof };
}

describe('export over /v2/mpc', () => {
  it('releases the server share after the PIN and the client reconstructs the wallet key', async () => {
    const challengeId = await createTestChallenge(relay, customerId, 'export-private-keys');
    const ready = await client.startSession(challengeId, 'export', { pin: await pinProof(PIN) });
    const release = await client.nextProtocol('export/release');
    const done = await client.nextControl('session.done');
    const [serverPart] = (release.payload as any).ecdsa;
    expect(serverPart).toMatchObject({
      keyId: expect.stringContaining('ecdsa:evm:'),
      publicKey: evm.clientShare.publicKey,
    });
    expect(serverPart).not.toHaveProperty('ot');
    // x = x_C + x_S; the child key at the wallet path adds the BIP32 tweak.
    const x = Fn.add(Fn.fromBytes(fromHex(evm.clientShare.secretShare)), Fn.fromBytes(fromHex(serverPart.secretShare)));
    const child = deriveNonHardened(Point.fromHex(serverPart.publicKey), fromHex(serverPart.chainCode), evm.path);
    const privateKey = Fn.toBytes(Fn.add(x, child.tweak));
    expect(toHex(secp256k1.getPublicKey(privateKey, true))).toBe(evm.wallet.publicKey);
    // The business sees what was released, never the secrets.
    expect(done.result).toEqual({
      exported: { ecdsaKeys: 1, ed25519Accounts: 0, taprootKeys: 0, exportKeyPart: false },
    });
    const stored = await getChallenge(relay.db, challengeId);
    expect(stored?.status).toBe('verified');
    expect(JSON.stringify(stored?.result)).not.toContain(serverPart.secretShare);
    expect(ready.protocol).toBe('export/release');
  });

  it('releases the Taproot root share and chain code; the client rebuilds the P2TR internal key', async () => {
    const other = await createTestCustomer(relay);
    const init = await createTestChallenge(relay, other, 'initialize');
    const c = await connectNode1(relay.wsUrl, createDevice(), other, { challengeId: init });
    const taproot = await provisionTaprootWallet(relay, other, { path: 'm/0/3' });
    const otherPin = await enrolPin(guard, other, PIN);
    const e = await evaluatePin(guard, otherPin, PIN);
    const { verify } = await e.finish();
    const challengeId = await createTestChallenge(relay, other, 'export-private-keys');
    await c.startSession(challengeId, 'export', { pin: { nonce: verify.nonce, proof: verify.proof } });
    const release = (await c.nextProtocol('export/release')).payload as any;
    const done = await c.nextControl('session.done');
    expect(release.taproot).toHaveLength(1);
    const [root] = release.taproot;
    expect(root).toMatchObject({ family: 'bitcoin', chainCode: taproot.client.chainCode });
    // UniSat imports the internal key of the child; its P2TR address is the wallet's.
    const { secretKey, internalPublicKey } = exportTaprootInternalKey(
      taproot.client.keyShare,
      root.keyShare,
      root.chainCode,
      [0, 3],
    );
    expect(internalPublicKey).toBe(taproot.wallet.publicKey);
    expect(p2tr(secp256k1.getPublicKey(secretKey, true).subarray(1), undefined, TEST_NETWORK).address).toBe(
      taproot.wallet.address,
    );
    expect(done.result).toEqual({
      exported: { ecdsaKeys: 0, ed25519Accounts: 0, taprootKeys: 1, exportKeyPart: false },
    });
    await c.close();
  });

  it('refuses a wrong PIN, counts it at the guard and audits it', async () => {
    const challengeId = await createTestChallenge(relay, customerId, 'export-private-keys');
    await expect(client.startSession(challengeId, 'export', { pin: await pinProof('111222') })).rejects.toThrow(
      /pin-refused/,
    );
    expect((await guard.status(customerId, 'pin')).failures).toBe(1);
    const r = await relay.db.query<{ details: any }>(
      "SELECT details FROM audit_log WHERE action = 'mpc.export.pin_refused' AND target = $1",
      [`challenge:${challengeId}`],
    );
    expect(r.rows[0]?.details.status).toBe('wrong');
    expect((await getChallenge(relay.db, challengeId))?.status).toBe('failed');
  });

  it('refuses export without a PIN proof', async () => {
    const challengeId = await createTestChallenge(relay, customerId, 'export-private-keys');
    await expect(client.startSession(challengeId, 'export', {})).rejects.toThrow(/bad-params/);
  });

  it('refuses a replayed PIN proof (single-use guard nonce)', async () => {
    const proof = await pinProof(PIN);
    const first = await createTestChallenge(relay, customerId, 'export-private-keys');
    await client.startSession(first, 'export', { pin: proof });
    await client.nextControl('session.done');
    const second = await createTestChallenge(relay, customerId, 'export-private-keys');
    await expect(client.startSession(second, 'export', { pin: proof })).rejects.toThrow(/pin-refused/);
  });
});
