/**
 * What every Node 1 flow needs, for one relay (the approval's relay origin). background.ts builds it;
 * tests build it around a real relay with in-memory storage.
 */
import type { Rng } from '../../../protocol/rng.js';
import type { AccountStore } from '../accounts.js';
import type { CeremonyStore } from '../ceremonies.js';
import type { DeviceKey } from '../device-key.js';
import type { GatewayEvent } from '../gateway-channel.js';
import type { LockState } from '../lock.js';
import type { PinGuardClient } from '../pin-guard-client.js';
import type { RelayConnection, RelayIdentity } from '../relay-client.js';
import type { Clock } from '../storage-area.js';
import type { WalletStore } from '../wallet-store.js';

export interface FlowContext {
  relayOrigin: string;
  /** Opens an authenticated (or, at onboarding, registering) connection to the relay's /v2/mpc. */
  connect: (identity: RelayIdentity) => Promise<RelayConnection>;
  pinGuard: PinGuardClient;
  wallets: WalletStore;
  accounts: AccountStore;
  lock: LockState;
  ceremonies: CeremonyStore;
  rng: Rng;
  clock: Clock;
  /** This profile's device key: signs the admission of a new device (flows/restore.ts). */
  deviceKey?: DeviceKey;
}

/** One approval being carried out: which challenge, whose, and where progress goes. */
export interface FlowRequest {
  approvalId: string;
  challengeId: string;
  customerId: string;
  report: (event: GatewayEvent) => void;
}
