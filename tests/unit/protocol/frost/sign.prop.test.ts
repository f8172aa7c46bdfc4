/**
 * Property tests: any corruption of a peer message ends in a typed protocol error that names the
 * peer (never a plain Error, never an output), and honest runs always verify.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../../protocol/bytes.js';
import { InvalidMessageError, ProtocolAbortError } from '../../../../protocol/errors.js';
import { receiveFrostSign } from '../../../../protocol/frost/sign.js';
import { createSeededRng } from '../../../../protocol/rng.js';
import { dealerShares, json, runSign, startBoth } from './helpers.js';

const ed = dealerShares('ed25519', 'prop');
const message = new TextEncoder().encode('property');

/** Flips one hex digit somewhere in the JSON text of a message, keeping it parseable JSON. */
function corrupt(value: unknown, position: number): unknown {
  const text = JSON.stringify(value);
  const hexPositions = [...text.matchAll(/[0-9a-f]/g)].map((m) => m.index as number);
  const at = hexPositions[position % hexPositions.length] as number;
  const ch = text[at] as string;
  const replacement = ch === '0' ? '1' : '0';
  return JSON.parse(text.slice(0, at) + replacement + text.slice(at + 1));
}

function expectTypedFromServer(fn: () => unknown): void {
  let caught: unknown;
  let result: unknown;
  try {
    result = fn();
  } catch (e) {
    caught = e;
  }
  if (caught === undefined) {
    throw new Error(`corrupted message was accepted: ${JSON.stringify(result).slice(0, 80)}`);
  }
  const typed = caught instanceof InvalidMessageError || caught instanceof ProtocolAbortError;
  expect(typed, String(caught)).toBe(true);
  if (caught instanceof InvalidMessageError) expect(caught.from).toBe('server');
  if (caught instanceof ProtocolAbortError) expect(caught.culprit).toBe('server');
}

describe('FROST signing properties', () => {
  const { c0, s0 } = startBoth({ scheme: 'ed25519', client: ed.client, server: ed.server, message });
  const c1 = receiveFrostSign(json(c0.state), json(s0.outgoing[0]));
  const s1 = receiveFrostSign(json(s0.state), json(c0.outgoing[0]));

  it('any one-digit corruption of the round-1 message is rejected at once or aborts at round 2, naming the server', () => {
    fc.assert(
      fc.property(fc.nat(), (pos) => {
        const tampered = corrupt(s0.outgoing[0], pos);
        let next: ReturnType<typeof receiveFrostSign> | undefined;
        try {
          next = receiveFrostSign(json(c0.state), tampered);
        } catch {
          expectTypedFromServer(() => receiveFrostSign(json(c0.state), tampered));
          return;
        }
        // A flipped digit can yield another valid point: the commitment lists then differ, and the
        // server's honest share fails verification against the tampered list.
        const after = next;
        expectTypedFromServer(() => receiveFrostSign(after.state, json(s1.outgoing[0])));
      }),
      { numRuns: 25 },
    );
  });

  it('any one-digit corruption of the round-2 message is a typed rejection naming the server', () => {
    fc.assert(
      fc.property(fc.nat(), (pos) => {
        expectTypedFromServer(() => receiveFrostSign(json(c1.state), corrupt(s1.outgoing[0], pos)));
      }),
      { numRuns: 25 },
    );
  });

  it('honest runs over random messages always give a strictly valid signature', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 300 }),
        fc.string({ minLength: 1, maxLength: 8 }),
        (msg, seed) => {
          const out = runSign({
            scheme: 'ed25519',
            client: ed.client,
            server: ed.server,
            message: msg,
            rngClient: createSeededRng(`c/${seed}`),
            rngServer: createSeededRng(`s/${seed}`),
          });
          expect(
            ed25519.verify(fromHex(out.client.signature), msg, fromHex(out.client.groupPublicKey), { zip215: false }),
          ).toBe(true);
        },
      ),
      { numRuns: 4 },
    );
  });
});
