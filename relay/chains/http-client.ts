/**
 * Small HTTP clients for chain nodes: JSON-RPC 2.0 (EVM, Solana, NEAR) and plain REST (Esplora),
 * with a timeout and a response size cap, and errors that name the chain and method but never echo
 * request bodies (they can hold signed transactions; harmless, but noisy in logs).
 */

export class ChainRpcError extends Error {
  override readonly name = 'ChainRpcError';
  /** JSON-RPC error code or HTTP status, when the node answered. */
  readonly code: number | undefined;
  /** The node's own error payload (JSON-RPC `error.data`), for classification. */
  readonly data: unknown;

  constructor(message: string, code?: number, data?: unknown) {
    super(message);
    this.code = code;
    this.data = data;
  }
}

export interface HttpOptions {
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

async function readLimited(res: Response, label: string): Promise<string> {
  const text = await res.text();
  if (text.length > MAX_RESPONSE_BYTES)
    throw new ChainRpcError(`${label}: response larger than ${MAX_RESPONSE_BYTES} bytes`);
  return text;
}

export class JsonRpcClient {
  private nextId = 1;
  constructor(
    private readonly url: string,
    private readonly label: string,
    private readonly options: HttpOptions = {},
  ) {}

  async call<T>(method: string, params: unknown): Promise<T> {
    const doFetch = this.options.fetch ?? fetch;
    let res: Response;
    try {
      res = await doFetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: this.nextId++, method, params }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ChainRpcError(`${this.label} ${method}: node unreachable (${(error as Error).name})`);
    }
    const text = await readLimited(res, `${this.label} ${method}`);
    let body: {
      result?: T;
      error?: { code?: number; message?: string; data?: unknown; name?: string; cause?: unknown };
    };
    try {
      body = JSON.parse(text);
    } catch {
      throw new ChainRpcError(`${this.label} ${method}: HTTP ${res.status} with a non-JSON body`, res.status);
    }
    if (body.error) {
      const e = body.error;
      const detail = typeof e.message === 'string' ? e.message.slice(0, 300) : 'error';
      throw new ChainRpcError(`${this.label} ${method}: ${detail}`, e.code, {
        data: e.data,
        cause: e.cause,
        name: e.name,
      });
    }
    if (!res.ok) throw new ChainRpcError(`${this.label} ${method}: HTTP ${res.status}`, res.status);
    return body.result as T;
  }
}

export class RestClient {
  constructor(
    private readonly baseUrl: string,
    private readonly label: string,
    private readonly options: HttpOptions = {},
  ) {}

  /** GET returning parsed JSON, or undefined on 404. */
  async getJson<T>(path: string): Promise<T | undefined> {
    const text = await this.request('GET', path);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  async getText(path: string): Promise<string | undefined> {
    return this.request('GET', path);
  }

  async postText(path: string, body: string): Promise<string> {
    const text = await this.request('POST', path, body);
    if (text === undefined) throw new ChainRpcError(`${this.label} POST ${path}: HTTP 404`, 404);
    return text;
  }

  private async request(method: string, path: string, body?: string): Promise<string | undefined> {
    const doFetch = this.options.fetch ?? fetch;
    let res: Response;
    try {
      res = await doFetch(this.baseUrl.replace(/\/$/, '') + path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'text/plain' },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ChainRpcError(`${this.label} ${method} ${path}: node unreachable (${(error as Error).name})`);
    }
    const text = await readLimited(res, `${this.label} ${method} ${path}`);
    if (res.status === 404) return undefined;
    if (!res.ok)
      throw new ChainRpcError(`${this.label} ${method} ${path}: HTTP ${res.status}: ${text.slice(0, 300)}`, res.status);
    return text;
  }
}
