/**
 * The relay's HTTP application, built from its dependencies so tests can drive it in-process or
 * over a real socket.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { type ChainService, chainRoutes, createChainService, loadChainRegistry } from './chains/index.js';
import { customerRoutes } from './api/customers.js';
import type { Database } from './db/database.js';
import { demoPage } from './demo/page.js';
import { ApiError } from './http/api-error.js';
import { type AuthEnv, apiKeyAuth } from './http/auth.js';
import { errorBody, handleError } from './http/envelope.js';
import { requireJsonBody, validationHook } from './http/validation.js';

export const MAX_BODY_BYTES = 64 * 1024;

export interface AppDependencies {
  db: Database;
  version: string;
  log: (line: string) => void;
  /** Chain registry + adapters + transaction service; built from the environment when absent. */
  chains?: ChainService | undefined;
}

export function createApp(deps: AppDependencies) {
  const app = new OpenAPIHono({ defaultHook: validationHook });

  app.onError((error, c) => handleError(error, c, deps.log));
  app.notFound((c) =>
    c.json(errorBody(new ApiError(404, 'not_found', `no route for ${c.req.method} ${c.req.path}`)), 404),
  );

  app.get('/health', (c) => c.json({ status: 'ok', version: deps.version, database: deps.db.kind }));
  app.get('/', (c) => c.redirect('/demo'));
  app.get('/demo', (c) => c.html(demoPage()));

  const v2 = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  v2.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', `request body exceeds ${MAX_BODY_BYTES} bytes`);
      },
    }),
  );
  v2.use('/customers/*', requireJsonBody, apiKeyAuth(deps.db));
  v2.use('/customers', requireJsonBody, apiKeyAuth(deps.db));
  v2.route('/', customerRoutes(deps.db));
  const chains = deps.chains ?? createChainService({ db: deps.db, registry: loadChainRegistry(), log: deps.log });
  v2.route('/', chainRoutes(deps.db, chains));
  v2.doc('/openapi.json', {
    openapi: '3.0.3',
    info: { title: 'Tandem relay API', version: deps.version, description: 'Planbok-compatible customer-custody API.' },
    servers: [{ url: '/v2' }],
  });
  app.route('/v2', v2);
  return app;
}
