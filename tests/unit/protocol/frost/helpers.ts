/** Test drivers for the FROST machines: run both parties in one process, exchanging JSON copies. */
import { toHex } from '../../../../protocol/bytes.js';
import { type FrostDkgOutput, receiveFrostDkg, startFrostDkg } from '../../../../protocol/frost/dkg.js';
import { defaultIdentifiers, type FrostKeyShare, fromNobleKey } from '../../../../protocol/frost/key-share.js';
import { type FrostSignOutput, receiveFrostSign, startFrostSign } from '../../../../protocol/frost/sign.js';
import { type FrostGroup, type FrostScheme, groupInfo } from '../../../../protocol/frost/suites.js';
import { createSeededRng, type Rng } from '../../../../protocol/rng.js';

/** JSON round trip: every state and message must survive it (storage.session, WebSocket). */
export function json<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function runDkg(group: FrostGroup, seed = `dkg-${group}`, ceremonyId = 'ceremony-1') {
  const rngC = createSeededRng(`${seed}/client`);
  const rngS = createSeededRng(`${seed}/server`);
  const c0 = startFrostDkg({ role: 'client', group, keyId: 'key-1', ceremonyId, rng: rngC });
  const s0 = startFrostDkg({ role: 'server', group, keyId: 'key-1', ceremonyId, rng: rngS });
  const c1 = receiveFrostDkg(json(c0.state), json(s0.outgoing[0]));
  const s1 = receiveFrostDkg(json(s0.state), json(c0.outgoing[0]));
  const c2 = receiveFrostDkg(json(c1.state), json(s1.outgoing[0]));
  const s2 = receiveFrostDkg(json(s1.state), json(c1.outgoing[0]));
  return {
    client: c2.output as FrostDkgOutput,
    server: s2.output as FrostDkgOutput,
    steps: { c0, s0, c1, s1, c2, s2 },
  };
}

/** Fast key material for signing tests: a trusted-dealer 2-of-2 split at identifiers 1 and 2. */
export function dealerShares(
  group: FrostGroup,
  seed = `dealer-${group}`,
): { client: FrostKeyShare; server: FrostKeyShare } {
  const info = groupInfo(group);
  const ids = defaultIdentifiers(group);
  const rng = createSeededRng(seed);
  const deal = info.frost.trustedDealer({ min: 2, max: 2 }, [ids.client, ids.server], undefined, (n?: number) =>
    Uint8Array.from(rng(n ?? 32)),
  );
  const share = (role: 'client' | 'server') =>
    fromNobleKey(group, role, ids, {
      public: deal.public,
      secret: deal.secretShares[ids[role]] as { signingShare: Uint8Array },
    });
  return { client: share('client'), server: share('server') };
}

export interface SignRunOptions {
  scheme: FrostScheme;
  client: FrostKeyShare;
  server: FrostKeyShare;
  message: Uint8Array;
  derivationPath?: string;
  ceremonyId?: string;
  rngClient?: Rng;
  rngServer?: Rng;
}

export function startBoth(o: SignRunOptions) {
  const common = {
    scheme: o.scheme,
    message: o.message,
    keyId: 'key-1',
    ceremonyId: o.ceremonyId ?? 'sign-1',
    derivationPath: o.derivationPath ?? "m/44'/501'/0'/0'",
  };
  const c0 = startFrostSign({
    ...common,
    role: 'client',
    keyShare: o.client,
    rng: o.rngClient ?? createSeededRng('sign/c'),
  });
  const s0 = startFrostSign({
    ...common,
    role: 'server',
    keyShare: o.server,
    rng: o.rngServer ?? createSeededRng('sign/s'),
  });
  return { c0, s0 };
}

export function runSign(o: SignRunOptions): { client: FrostSignOutput; server: FrostSignOutput } {
  const { c0, s0 } = startBoth(o);
  const c1 = receiveFrostSign(json(c0.state), json(s0.outgoing[0]));
  const s1 = receiveFrostSign(json(s0.state), json(c0.outgoing[0]));
  const c2 = receiveFrostSign(json(c1.state), json(s1.outgoing[0]));
  const s2 = receiveFrostSign(json(s1.state), json(c1.outgoing[0]));
  return { client: c2.output as FrostSignOutput, server: s2.output as FrostSignOutput };
}

/** An Rng that replays fixed byte strings in order (for RFC vectors), then fails loudly. */
export function replayRng(chunks: string[]): Rng {
  const queue = [...chunks];
  return (n: number) => {
    const next = queue.shift();
    if (next === undefined || next.length !== n * 2) throw new Error(`replayRng: unexpected request for ${n} bytes`);
    return Uint8Array.from(Buffer.from(next, 'hex'));
  };
}

export const hex = toHex;
