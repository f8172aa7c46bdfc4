import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpChallengeReader, parseChallengeAnswer } from '../../../../extension/background/challenge-reader.js';

const ID = '11111111-1111-4111-8111-111111111111';
const view = {
  id: ID,
  kind: 'initialize',
  status: 'pending',
  expiresAt: '2030-01-01T00:00:00.000Z',
  customerId: 'c1',
  hasPin: false,
  hasRecovery: false,
  locked: false,
  businessName: 'Acme Shop',
  payload: null,
  storedCopies: [],
  returnUrl: 'https://shop.example/',
};

describe('reading a challenge answer', () => {
  it('accepts a pending challenge', () => {
    expect(parseChallengeAnswer({ success: true, data: view }, ID)).toMatchObject({ state: 'ready' });
  });
  it('maps expired and used statuses to their screens', () => {
    expect(parseChallengeAnswer({ data: { ...view, status: 'expired' } }, ID)).toEqual({ state: 'expired' });
    expect(parseChallengeAnswer({ data: { ...view, status: 'verified' } }, ID)).toEqual({ state: 'used' });
    expect(parseChallengeAnswer({ data: { ...view, status: 'in_progress' } }, ID)).toMatchObject({ state: 'ready' });
  });
  it('refuses an answer about another challenge', () => {
    const other = { ...view, id: '22222222-2222-4222-8222-222222222222' };
    expect(parseChallengeAnswer({ data: other }, ID)).toMatchObject({ state: 'unreachable' });
  });
  it('refuses a javascript: return URL', () => {
    expect(parseChallengeAnswer({ data: { ...view, returnUrl: 'javascript:x' } }, ID)).toMatchObject({
      state: 'unreachable',
    });
  });
  it('accepts an answer without returnUrl (the relay does not send it yet)', () => {
    const { returnUrl: _omitted, ...withoutReturn } = view;
    expect(parseChallengeAnswer({ data: withoutReturn }, ID)).toMatchObject({
      state: 'ready',
      challenge: { returnUrl: null, businessName: 'Acme Shop' },
    });
  });
  it('refuses a missing customer id', () => {
    const { customerId: _omitted, ...withoutCustomer } = view;
    expect(parseChallengeAnswer({ data: withoutCustomer }, ID)).toMatchObject({ state: 'unreachable' });
  });
  it('refuses a missing customer flag', () => {
    expect(parseChallengeAnswer({ data: { ...view, locked: 'no' } }, ID)).toMatchObject({ state: 'unreachable' });
  });
  it('refuses an unknown status or a missing kind', () => {
    expect(parseChallengeAnswer({ data: { ...view, status: 'weird' } }, ID)).toMatchObject({ state: 'unreachable' });
    expect(parseChallengeAnswer({ data: { ...view, kind: 5 } }, ID)).toMatchObject({ state: 'unreachable' });
  });
});

describe('HTTP challenge reader against a real server', () => {
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const status = req.url === `/v2/gateway/challenges/${ID}` ? 200 : req.url?.includes('22222222') ? 410 : 404;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status === 200 ? { success: true, data: view } : { success: false }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const reader = () => createHttpChallengeReader({ fetch });
  it('reads 200, 404 and 410', async () => {
    expect(await reader().read(origin, ID)).toMatchObject({ state: 'ready', challenge: { kind: 'initialize' } });
    expect(await reader().read(origin, '33333333-3333-4333-8333-333333333333')).toEqual({ state: 'unknown' });
    expect(await reader().read(origin, '22222222-2222-4222-8222-222222222222')).toEqual({ state: 'expired' });
  });
  it('reports an unreachable relay', async () => {
    expect(await reader().read('http://127.0.0.1:1', ID)).toMatchObject({ state: 'unreachable' });
  });
});
