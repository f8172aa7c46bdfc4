/**
 * Typed calls from extension pages to the background. A refusal becomes a `BackgroundError` whose
 * `code` the screens map to what the user should do next.
 */
import { browser } from 'wxt/browser';
import { GATEWAY_PORT_NAME, type GatewayEvent } from '../background/gateway-events.js';
import type { ErrorCode, ErrorResponse, MessageType, RequestOf, SuccessResponse } from '../background/messages.js';

export class BackgroundError extends Error {
  override readonly name = 'BackgroundError';
  readonly code: ErrorCode | 'no-answer';
  readonly field: string | undefined;
  readonly attemptsLeft: number | undefined;
  constructor(code: ErrorCode | 'no-answer', message: string, field?: string, attemptsLeft?: number) {
    super(message);
    this.code = code;
    this.field = field;
    this.attemptsLeft = attemptsLeft;
  }
}

export async function callBackground<T extends MessageType>(message: RequestOf<T>): Promise<SuccessResponse<T>> {
  let answer: SuccessResponse<T> | ErrorResponse | undefined;
  try {
    answer = await browser.runtime.sendMessage(message);
  } catch (error) {
    throw new BackgroundError('no-answer', `the wallet service did not answer: ${(error as Error).message}`);
  }
  if (!answer || typeof answer !== 'object')
    throw new BackgroundError('no-answer', 'the wallet service did not answer');
  if (!answer.ok) {
    const { code, message: text, field, attemptsLeft } = answer.error;
    throw new BackgroundError(code, text, field, attemptsLeft);
  }
  return answer;
}

/**
 * Follows a flow's progress for one approval over a port (background/gateway-channel.ts). Returns a
 * function that stops following.
 */
export function watchProgress(approvalId: string, onEvent: (event: GatewayEvent) => void): () => void {
  const port = browser.runtime.connect({ name: GATEWAY_PORT_NAME });
  port.onMessage.addListener((message: GatewayEvent & { approvalId?: string }) => {
    if (message?.approvalId === approvalId && message.type === 'progress') onEvent(message);
  });
  port.postMessage({ type: 'watch', approvalId });
  return () => port.disconnect();
}
