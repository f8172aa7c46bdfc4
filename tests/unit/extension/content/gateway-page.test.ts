import { describe, expect, it } from 'vitest';
import { readGatewayPage } from '../../../../extension/content/gateway-page.js';

const ID = '11111111-1111-4111-8111-111111111111';

describe('recognising the relay Gateway page', () => {
  it('reads the challenge id from the meta tag on /gateway/<id>', () => {
    expect(readGatewayPage(`/gateway/${ID}`, ID)).toEqual({ ok: true, challengeId: ID });
    expect(readGatewayPage(`/gateway/${ID}/`, ` ${ID.toUpperCase()} `)).toEqual({ ok: true, challengeId: ID });
  });
  it('ignores another path', () => {
    expect(readGatewayPage(`/demo/${ID}`, ID)).toEqual({ ok: false, reason: 'not-a-gateway-path' });
    expect(readGatewayPage(`/gateway/${ID}/extra`, ID)).toEqual({ ok: false, reason: 'not-a-gateway-path' });
  });
  it('ignores a page without the meta tag', () => {
    expect(readGatewayPage(`/gateway/${ID}`, null)).toEqual({ ok: false, reason: 'no-meta' });
  });
  it('refuses an id that is not a UUID', () => {
    expect(readGatewayPage('/gateway/abc', 'abc')).toEqual({ ok: false, reason: 'not-a-uuid' });
  });
  it('refuses a meta id that differs from the path', () => {
    const other = '22222222-2222-4222-8222-222222222222';
    expect(readGatewayPage(`/gateway/${ID}`, other)).toEqual({ ok: false, reason: 'path-mismatch' });
  });
  it('opens for a pending or in-progress challenge, or when the page states nothing', () => {
    expect(readGatewayPage(`/gateway/${ID}`, ID, 'pending')).toMatchObject({ ok: true });
    expect(readGatewayPage(`/gateway/${ID}`, ID, 'in_progress')).toMatchObject({ ok: true });
    expect(readGatewayPage(`/gateway/${ID}`, ID, null)).toMatchObject({ ok: true });
  });
  it('does not open for a challenge the relay page already shows as finished or expired', () => {
    for (const state of ['verified', 'failed', 'expired', 'weird']) {
      expect(readGatewayPage(`/gateway/${ID}`, ID, state)).toEqual({ ok: false, reason: 'finished' });
    }
  });
});
