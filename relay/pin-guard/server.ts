/**
 * The PIN guard as its own small HTTP service (JSON over HTTP, bearer token), so an operator can
 * run it in a separate trust domain with its own key and store. Only the relay talks to it; it
 * binds 127.0.0.1 unless told otherwise. Every body is validated twice: shape with zod here, then
 * the cryptographic checks (points on the curve, lengths) inside the guard.
 */
import { createHash } from 'node:crypto';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { equalBytes } from '../../protocol/bytes.js';
import { ProtocolError } from '../../protocol/errors.js';
import type { PinGuard } from './types.js';

const customerId = z.string().min(1).max(128);
const purpose = z.enum(['pin', 'questions']);
const hex = (max: number) => z.string().max(max);

const schemas = {
  owner: z.strictObject({ customerId, purpose }),
  evaluate: z.strictObject({ customerId, purpose, epoch: z.number().int(), blinded: hex(66) }),
  enrolEvaluate: z.strictObject({ customerId, purpose, blinded: hex(66) }),
  // The proof is only bounded in size here: a wrong-length proof must reach the guard, which
  // counts it as a failed attempt and consumes the nonce.
  verify: z.strictObject({ customerId, purpose, nonce: hex(64), proof: hex(256) }),
  complete: z.strictObject({ customerId, purpose, nonce: hex(64), verifier: hex(64), proof: hex(256) }),
};

const digest = (s: string) => createHash('sha256').update(s).digest();

export const MIN_TOKEN_LENGTH = 32;

/** The routes, as a Hono app (testable with `app.request`). */
export function createPinGuardApp(options: { guard: PinGuard; token: string }): Hono {
  if (options.token.length < MIN_TOKEN_LENGTH) {
    throw new Error(`PIN guard token must be at least ${MIN_TOKEN_LENGTH} characters`);
  }
  const { guard } = options;
  const expected = digest(options.token);
  const app = new Hono();

  app.get('/health', (c) => c.json({ ok: true }));

  app.use(
    '/v1/*',
    bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.json(apiError('payload_too_large', 'body over 16 KiB'), 413) }),
  );
  app.use('/v1/*', async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    // Compare digests so the comparison is constant-time whatever the presented length.
    if (!equalBytes(digest(token), expected))
      return c.json(apiError('unauthorized', 'missing or wrong bearer token'), 401);
    await next();
  });

  app.onError((error, c) => {
    if (error instanceof ProtocolError) return c.json(apiError('invalid_request', error.message), 400);
    return c.json(apiError('internal', 'internal error'), 500);
  });

  async function body<S extends z.ZodType>(
    c: { req: { json(): Promise<unknown> } },
    schema: S,
  ): Promise<z.infer<S> | Response> {
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      return Response.json(apiError('invalid_request', 'body is not JSON'), { status: 400 });
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join('.') || 'body';
      return Response.json(apiError('invalid_request', `${where}: ${issue?.message ?? 'invalid'}`), { status: 400 });
    }
    return parsed.data;
  }

  app.get('/v1/info', async (c) => c.json(await guard.info()));
  app.post('/v1/status', async (c) => {
    const b = await body(c, schemas.owner);
    return b instanceof Response ? b : c.json(await guard.status(b.customerId, b.purpose));
  });
  app.post('/v1/evaluate', async (c) => {
    const b = await body(c, schemas.evaluate);
    return b instanceof Response ? b : c.json(await guard.evaluate(b));
  });
  app.post('/v1/verify', async (c) => {
    const b = await body(c, schemas.verify);
    return b instanceof Response ? b : c.json(await guard.verify(b));
  });
  app.post('/v1/enrol/evaluate', async (c) => {
    const b = await body(c, schemas.enrolEvaluate);
    return b instanceof Response ? b : c.json(await guard.beginEnrolment(b));
  });
  app.post('/v1/enrol/complete', async (c) => {
    const b = await body(c, schemas.complete);
    return b instanceof Response ? b : c.json(await guard.completeEnrolment(b));
  });
  app.post('/v1/enrol/allow', async (c) => {
    const b = await body(c, schemas.owner);
    return b instanceof Response ? b : c.json(await guard.allowEnrolment(b.customerId, b.purpose));
  });
  app.post('/v1/unlock', async (c) => {
    const b = await body(c, schemas.owner);
    return b instanceof Response ? b : c.json(await guard.unlock(b.customerId, b.purpose));
  });
  return app;
}

function apiError(code: string, message: string) {
  return { error: { code, message } };
}

export interface RunningPinGuardServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves the app; port 0 picks a free port. */
export function startPinGuardServer(options: {
  guard: PinGuard;
  token: string;
  port?: number;
  hostname?: string;
}): Promise<RunningPinGuardServer> {
  const app = createPinGuardApp(options);
  const hostname = options.hostname ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server: ServerType = serve({ fetch: app.fetch, hostname, port: options.port ?? 0 }, (info) => {
      let closing: Promise<void> | undefined;
      resolve({
        url: `http://${hostname}:${info.port}`,
        port: info.port,
        close() {
          closing ??= new Promise<void>((done) => server.close(() => done()));
          return closing;
        },
      });
    });
    server.once('error', reject);
  });
}
