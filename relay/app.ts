/**
 * The relay's HTTP application, built from its dependencies so tests can drive it in-process or
 * over a real socket.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { MAX_PLAINTEXT_BYTES } from '../protocol/pin/wrap.js';
import { apiKeyRoutes } from './api/api-keys.js';
import { auditLogRoutes } from './api/audit-logs.js';
import { challengeRoutes } from './api/challenges.js';
import type { ApiContext } from './api/context.js';
import { customerRoutes } from './api/customers.js';
import { type ApiSettings, DEFAULT_API_SETTINGS } from './api/settings.js';
import { walletRoutes } from './api/wallets.js';
import { webhookRoutes } from './api/webhooks.js';
import { auditedApiKeyAuth } from './audit/auth-failures.js';
import { type ChainService, chainRoutes, createChainService, loadChainRegistry } from './chains/index.js';
import { builtInChainFamily, type ChainFamilyLookup } from './challenges/chains.js';
import type { Database } from './db/database.js';
import { demoPage } from './demo/page.js';
import { gatewayRoutes } from './gateway/page.js';
import { extensionCors } from './gateway-api/cors.js';
import { deviceAdmissionRoutes } from './gateway-api/device-admission-routes.js';
import { pinGuardRoutes } from './gateway-api/pin-guard-routes.js';
import { gatewayApiRoutes } from './gateway-api/routes.js';
import { ApiError } from './http/api-error.js';
import type { AuthEnv } from './http/auth.js';
import { errorBody, handleError } from './http/envelope.js';
import { idempotency } from './http/idempotency.js';
import { rateLimit } from './http/rate-limit.js';
import { requireJsonBody, validationHook } from './http/validation.js';
import type { PinGuard } from './pin-guard/types.js';
import type { EmailRecovery } from './recovery/email.js';

export const MAX_BODY_BYTES = 64 * 1024;
/**
 * A wrapped copy of the Node 1 bundle is hex AES-GCM of up to MAX_PLAINTEXT_BYTES (protocol/pin/wrap.ts):
 * one ECDSA root share with its OT correlations is ~27 KB of JSON, so a customer with EVM and Bitcoin
 * roots already needs more than MAX_BODY_BYTES. Only the copy upload gets the larger limit.
 */
export const MAX_COPY_BODY_BYTES = 2 * MAX_PLAINTEXT_BYTES + 16 * 1024;
const COPY_UPLOAD_PATH = /\/gateway\/challenges\/[^/]+\/copies\/[a-z]+$/;

function limitBody(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', `request body exceeds ${maxSize} bytes`);
    },
  });
}

export interface AppDependencies {
  db: Database;
  version: string;
  log: (line: string) => void;
  /** Chain registry + adapters + transaction service; built from the environment when absent. */
  chains?: ChainService | undefined;
  /** Public origin for /gateway links in challenges (default: the request's origin). */
  publicUrl?: string | undefined;
  /** Business-API rate limits and jobs; defaults when absent. */
  apiSettings?: ApiSettings | undefined;
  /** The Gateway's JSON API around challenges (PIN guard, wrapped copies, email recovery); not mounted when absent. */
  gateway?: { pinGuard: PinGuard; emailRecovery: EmailRecovery } | undefined;
  /** Chain id → family from the chain registry; a built-in list when absent. */
  chainFamily?: ChainFamilyLookup | undefined;
}

/**
 * Path prefixes of the business API (API key, per-organisation rate limit, idempotent POSTs).
 * Register `/x/*` only: it matches `/x` as well, and a second pattern would run the chain twice.
 */
export const BUSINESS_API_PATHS = [
  '/customers/*',
  '/wallets/*',
  '/api-keys/*',
  '/webhooks/*',
  '/audit-logs/*',
  '/transactions/*',
  '/config/*',
];

export function createApp(deps: AppDependencies) {
  const app = new OpenAPIHono({ defaultHook: validationHook });

  app.onError((error, c) => handleError(error, c, deps.log));
  app.notFound((c) =>
    c.json(errorBody(new ApiError(404, 'not_found', `no route for ${c.req.method} ${c.req.path}`)), 404),
  );

  app.get('/health', (c) => c.json({ status: 'ok', version: deps.version, database: deps.db.kind }));
  app.get('/', (c) => c.redirect('/demo'));
  app.get('/demo', (c) => c.html(demoPage()));
  app.route('/', gatewayRoutes(deps.db));

  const v2 = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  const defaultBodyLimit = limitBody(MAX_BODY_BYTES);
  const copyBodyLimit = limitBody(MAX_COPY_BODY_BYTES);
  v2.use('*', (c, next) =>
    (c.req.method === 'PUT' && COPY_UPLOAD_PATH.test(c.req.path) ? copyBodyLimit : defaultBodyLimit)(c, next),
  );
  const settings = deps.apiSettings ?? DEFAULT_API_SETTINGS;
  const chains = deps.chains ?? createChainService({ db: deps.db, registry: loadChainRegistry(), log: deps.log });
  const api: ApiContext = {
    db: deps.db,
    publicUrl: deps.publicUrl,
    // Configured chains first; the built-in list keeps ids the registry does not (yet) serve valid.
    chainFamily: deps.chainFamily ?? ((id) => chains.registry.get(id)?.family ?? builtInChainFamily(id)),
    chainCatalog: chains.registry,
  };
  const businessApi = [
    requireJsonBody,
    auditedApiKeyAuth(deps.db, { maxFailuresPerMinute: settings.maxAuthFailuresPerMinute }),
    rateLimit(settings.rateLimits),
    idempotency(deps.db),
  ] as const;
  for (const path of BUSINESS_API_PATHS) v2.use(path, ...businessApi);
  v2.route('/', customerRoutes(deps.db));
  v2.route('/', chainRoutes(deps.db, chains));
  v2.route('/', challengeRoutes(api));
  v2.route('/', walletRoutes(api));
  v2.route('/', apiKeyRoutes(api));
  v2.route('/', webhookRoutes(api, undefined, settings.webhooks));
  v2.route('/', auditLogRoutes(api));
  if (deps.gateway) {
    // Outside BUSINESS_API_PATHS: the Gateway has no API key (the challenge id is the capability).
    v2.use('/gateway/*', extensionCors);
    v2.route('/', gatewayApiRoutes({ db: deps.db, ...deps.gateway }));
    v2.route('/', pinGuardRoutes({ db: deps.db, pinGuard: deps.gateway.pinGuard }));
    v2.route('/', deviceAdmissionRoutes({ db: deps.db, pinGuard: deps.gateway.pinGuard, publicUrl: deps.publicUrl }));
  }
  v2.doc('/openapi.json', {
    openapi: '3.0.3',
    info: { title: 'Tandem relay API', version: deps.version, description: 'Planbok-compatible customer-custody API.' },
    servers: [{ url: '/v2' }],
  });
  app.route('/v2', v2);
  return app;
}
