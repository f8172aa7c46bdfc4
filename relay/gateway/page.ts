/**
 * `GET /gateway/:challengeId`: the page a business sends its customer to. The Tandem extension
 * recognises it by `<meta name="tandem-gateway" content="<challengeId>">` (and the element
 * `#tandem-gateway`) and opens its Gateway window; a visitor without the extension learns what Tandem
 * is and how to install it. The page shows only the kind, the business's name and the expiry — never
 * the payload or return URL — and no API key is needed (ids are random UUIDs).
 */
import { Hono } from 'hono';
import { CHALLENGE_KIND_LABELS, type ChallengeKind } from '../challenges/kinds.js';
import { type Challenge, getChallenge } from '../challenges/store.js';
import type { Queryable } from '../db/database.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

type PageState = 'pending' | 'in_progress' | 'verified' | 'failed' | 'expired' | 'unknown';

const STATE_TEXT: Record<PageState, { title: string; body: string }> = {
  pending: {
    title: 'Approve this request in Tandem',
    body: 'Tandem opens its own window where you check the request and enter your 6-digit PIN. Nothing is approved until you do.',
  },
  in_progress: {
    title: 'This request is being approved',
    body: 'It was opened in Tandem already. Finish it in the Tandem window, or go back to the business and start again.',
  },
  verified: {
    title: 'This request was already approved',
    body: 'There is nothing left to do here. You can close this tab.',
  },
  failed: {
    title: 'This request did not go through',
    body: 'It can no longer be used. Go back to the business and start again if you still want to do this.',
  },
  expired: {
    title: 'This request has expired',
    body: 'Requests are valid for 15 minutes. Go back to the business and start again.',
  },
  unknown: {
    title: 'This request does not exist',
    body: 'The link may be mistyped, or it belongs to another Tandem relay. Go back to the business and start again.',
  },
};

export function renderGatewayPage(
  challengeId: string,
  challenge: Challenge | undefined,
  businessName: string | undefined,
): { html: string; status: 200 | 404 | 410 } {
  const state: PageState = challenge ? challenge.status : 'unknown';
  const text = STATE_TEXT[state];
  const known = challenge !== undefined;
  const kindLabel = challenge ? (CHALLENGE_KIND_LABELS[challenge.kind as ChallengeKind] ?? challenge.kind) : '';
  const facts = challenge
    ? `<dl class="facts">
        <dt>Request</dt><dd id="tandem-gateway-kind" data-kind="${escapeHtml(challenge.kind)}">${escapeHtml(kindLabel)}</dd>
        <dt>From</dt><dd id="tandem-gateway-business">${escapeHtml(businessName ?? 'Unknown business')}</dd>
        <dt>${state === 'expired' ? 'Expired' : 'Expires'}</dt>
        <dd><time id="tandem-gateway-expires" datetime="${challenge.expiresAt}">${challenge.expiresAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}</time></dd>
      </dl>`
    : '';
  const install =
    state === 'pending'
      ? `<section class="install" id="tandem-gateway-install">
        <h2>Don't have Tandem yet?</h2>
        <p>Tandem is an open-source wallet for your browser. Your keys are split between the extension on your device
        and this relay, so neither can move your funds alone, and only your PIN unlocks your part.</p>
        <ol>
          <li>Get the Tandem extension folder (<code>.output/chrome-mv3</code>, built by <code>npm start</code> from the
          Tandem repository), or ask the business where to download it.</li>
          <li>Open <code>chrome://extensions</code> in Chrome or Chromium.</li>
          <li>Switch on <strong>Developer mode</strong> (top right).</li>
          <li>Click <strong>Load unpacked</strong> and choose that folder.</li>
          <li>Reload this page: Tandem will open the request.</li>
        </ol>
      </section>`
      : '';
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
${known ? `<meta name="tandem-gateway" content="${escapeHtml(challengeId)}">\n<meta name="tandem-gateway-state" content="${state}">` : ''}
<title>${escapeHtml(text.title)} · Tandem</title>
<style>
  :root { color-scheme: light; }
  body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: #14213d; background: #f4f6fb; }
  main { max-width: 560px; margin: 48px auto; padding: 28px 32px; background: #fff; border: 1px solid #dde3ee; border-radius: 14px; }
  .brand { font-weight: 700; letter-spacing: .02em; color: #2952cc; margin: 0 0 18px; }
  h1 { font-size: 22px; margin: 0 0 8px; }
  h2 { font-size: 17px; margin: 24px 0 6px; }
  p { margin: 0 0 10px; color: #3d4866; }
  .facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; margin: 18px 0; padding: 14px 16px; background: #f4f6fb; border-radius: 10px; }
  dt { color: #5c6784; } dd { margin: 0; font-weight: 600; }
  .status { padding: 10px 14px; border-radius: 8px; background: #eef2fd; color: #23408f; }
  .state-expired .status, .state-unknown .status, .state-failed .status { background: #fdeeee; color: #8a1c13; }
  html[data-tandem-gateway] .install { display: none; }
  ol { padding-left: 22px; color: #3d4866; } code { font-size: 14px; }
</style>
</head>
<body>
<main id="tandem-gateway" class="state-${state}" data-challenge-id="${known ? escapeHtml(challengeId) : ''}" data-state="${state}">
  <p class="brand">Tandem</p>
  <h1>${escapeHtml(text.title)}</h1>
  ${facts}
  <p class="status" data-tandem-gateway-status>${escapeHtml(text.body)}</p>
  ${install}
</main>
</body>
</html>`;
  const status = state === 'unknown' ? 404 : state === 'expired' ? 410 : 200;
  return { html, status };
}

export function gatewayRoutes(db: Queryable) {
  const app = new Hono();
  app.get('/gateway/:challengeId', async (c) => {
    const id = c.req.param('challengeId');
    const challenge = UUID_RE.test(id) ? await getChallenge(db, id.toLowerCase()) : undefined;
    let businessName: string | undefined;
    if (challenge) {
      const r = await db.query<{ name: string }>('SELECT name FROM organisations WHERE id = $1', [
        challenge.organisationId,
      ]);
      businessName = r.rows[0]?.name;
    }
    const page = renderGatewayPage(challenge?.id ?? id, challenge, businessName);
    return c.html(page.html, page.status, SECURITY_HEADERS);
  });
  return app;
}
