/**
 * Frozen transcripts: a DKG and one signature run with seeded RNGs (`createSeededRng`, one generator
 * per party and call) must reproduce the stored messages and outputs byte for byte, so any change to
 * this layer's wire format, hashing or algebra is deliberate.
 *
 * Values computed by the OT layer (pairing and RVOLE messages, OT setups) and the values derived from
 * its random shares (Γ^u, Γ^v, ψ, u, w) are replaced by a marker: the OT layer freezes its own
 * transcripts in `tests/unit/protocol/ecdsa2p/ot/`, and pinning its bytes here would break this test
 * on every change there. Everything else is pinned, including the final signature (r, s, recovery),
 * which depends only on this layer's nonces, shares, digest and path.
 *
 * Regenerate after an intended change with
 * `UPDATE_ECDSA2P_FIXTURES=1 npx vitest run --project unit tests/unit/protocol/ecdsa2p/transcript-fixture.test.ts`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256 } from '@noble/hashes/sha2.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex, utf8ToBytes } from '../../../../protocol/bytes.js';
import type { Ecdsa2pKeyShare } from '../../../../protocol/ecdsa2p/key-share.js';
import type { Envelope } from '../../../../protocol/session.js';
import { runDkg, runSign, SETUP_TIMEOUT_MS } from './helpers.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/ecdsa2p');
const UPDATE = process.env.UPDATE_ECDSA2P_FIXTURES === '1';
/** Fields computed by the OT layer, or from the random shares it outputs. */
const OT_FIELDS = new Set(['pairing', 'rvole', 'rvoleReceiver', 'rvoleSender']);
const OT_DERIVED = new Set(['gammaU', 'gammaV', 'psi', 'u', 'w']);

const digestOf = (value: unknown) => `sha256:${toHex(sha256(utf8ToBytes(JSON.stringify(value))))}`;

/** The envelope with OT-layer values replaced by markers (after checking they are present). */
function freeze(message: Envelope<unknown>): unknown {
  const payload = Object.fromEntries(
    Object.entries(message.payload as Record<string, unknown>).map(([k, v]) => {
      if (OT_FIELDS.has(k)) {
        expect(typeof v).toBe('object');
        return [k, '<ot-layer message>'];
      }
      if (OT_DERIVED.has(k)) {
        expect(typeof v === 'string' && /^[0-9a-f]{64,66}$/.test(v)).toBe(true);
        return [k, '<derived from OT shares>'];
      }
      return [k, v];
    }),
  );
  return { ...message, payload };
}

/** A key share without its OT setups. */
const withoutOt = ({ ot: _ot, ...rest }: Ecdsa2pKeyShare) => rest;

function compareWithFixture(name: string, actual: unknown): void {
  const file = join(FIXTURES, name);
  if (UPDATE || !existsSync(file)) {
    if (!UPDATE) throw new Error(`missing fixture ${file}; run with UPDATE_ECDSA2P_FIXTURES=1 to create it`);
    writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
  }
  expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')));
}

let dkg: ReturnType<typeof runDkg>;

beforeAll(() => {
  dkg = runDkg('fixture', 'fixture-wallet');
}, SETUP_TIMEOUT_MS);

describe('ecdsa2p frozen transcripts', () => {
  it('reproduces the seeded DKG transcript and key shares', () => {
    compareWithFixture('dkg-seeded-v2.json', {
      rng: 'createSeededRng("tandem/tests/ecdsa2p/fixture/<role>/<call>")',
      keyId: 'fixture-wallet',
      sessionId: dkg.sessionId,
      messages: dkg.run.trace.messages.map(freeze),
      publicKey: dkg.client.publicKey,
      chainCode: dkg.client.chainCode,
      transcriptHash: dkg.client.transcriptHash,
      clientShareWithoutOt: digestOf(withoutOt(dkg.client)),
      serverShareWithoutOt: digestOf(withoutOt(dkg.server)),
    });
  });

  it('reproduces the seeded signing transcript and signature', () => {
    const digest = new Uint8Array(32).map((_, i) => i);
    const run = runSign('fixture-sign', { client: dkg.client, server: dkg.server, digest, path: 'm/0/5' });
    compareWithFixture('sign-seeded-v2.json', {
      rng: 'createSeededRng("tandem/tests/ecdsa2p/fixture-sign/<role>/<call>")',
      digest: toHex(digest),
      path: 'm/0/5',
      messages: run.trace.messages.map(freeze),
      signature: run.outputs.client,
    });
    expect(run.outputs.server).toEqual(run.outputs.client);
  });
});
