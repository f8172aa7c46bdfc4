/**
 * Node 1's relay client against the real Node 2 (`/v2/mpc` on a test relay): the device registers
 * under an `initialize` challenge with a non-extractable WebCrypto key, then authenticates on a new
 * connection with the same key. No browser is needed; the client code is the extension's own.
 */
import { webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createDeviceKey, type DeviceKey } from '../../../extension/background/device-key.js';
import {
  connectRelay,
  type RelayClientDependencies,
  RelayConnectionError,
  type SocketLike,
} from '../../../extension/background/relay-client.js';
import { startTestRelay, type TestRelay } from '../../helpers/relay.js';

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay();
});
afterAll(async () => {
  await relay?.stop();
});

function memoryDeviceKey(): DeviceKey {
  let pair: CryptoKeyPair | undefined;
  return createDeviceKey({
    store: {
      get: async () => pair,
      add: async (p) => {
        if (pair) return false;
        pair = p;
        return true;
      },
    },
    subtle: webcrypto.subtle as unknown as SubtleCrypto,
  });
}

function deps(deviceKey: DeviceKey): RelayClientDependencies {
  return {
    relayOrigin: new URL(relay.url).origin,
    openSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    deviceKey,
  };
}

describe('the relay client with the real relay', () => {
  it('registers the device under an initialize challenge, then authenticates with the same key', async () => {
    const customer = await relay.call('POST', '/v2/customers', { name: 'Ada', refId: 'ada-ws' });
    const customerId = customer.json.data.id as string;
    const challenge = await relay.call('POST', `/v2/customers/${customerId}/initialize`, {
      redirectUrl: `${relay.url}/demo`,
    });
    const key = memoryDeviceKey();

    const first = await connectRelay(deps(key), {
      mode: 'register',
      customerId,
      challengeId: challenge.json.data.challengeId,
    });
    expect(first.registered).toBe(true);
    expect(first.deviceId).toBe(await key.deviceId());
    first.close();

    const second = await connectRelay(deps(key), { mode: 'authenticate', customerId });
    expect(second.registered).toBe(false);
    second.close();
  });

  it('is refused, without retry, when an unknown device tries to authenticate', async () => {
    const customer = await relay.call('POST', '/v2/customers', { name: 'Eve', refId: 'eve-ws' });
    const error = await connectRelay(deps(memoryDeviceKey()), {
      mode: 'authenticate',
      customerId: customer.json.data.id,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(RelayConnectionError);
    expect(error.retryable).toBe(false);
  });
});
