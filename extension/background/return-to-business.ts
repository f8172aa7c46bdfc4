/**
 * When a business challenge settles, the tab that showed the relay's /gateway page goes to the
 * business's return URL with `challengeId` and `status` (DESIGN.md §5). The business must still read
 * the challenge from the relay (or its webhook): these query parameters are a hint, not a proof.
 */
import type { Approval, ApprovalOutcome } from './approvals.js';

/** The part of `chrome.tabs` used here. */
export interface Tabs {
  update(tabId: number, properties: { url: string }): Promise<unknown>;
}

/** `verified` / `failed` as the relay names them; `rejected` when the user closed or refused. */
export type ReturnStatus = 'verified' | 'failed' | 'rejected';

export function returnStatus(outcome: ApprovalOutcome): ReturnStatus {
  if (outcome.status === 'approved') return 'verified';
  return outcome.status === 'rejected' ? 'rejected' : 'failed';
}

/** The return URL with `challengeId` and `status` set (replacing any the business put there). */
export function buildReturnUrl(returnUrl: string, challengeId: string, status: ReturnStatus): string | undefined {
  let url: URL;
  try {
    url = new URL(returnUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  url.searchParams.set('challengeId', challengeId);
  url.searchParams.set('status', status);
  return url.toString();
}

/** A queue listener: sends the business challenge's tab back to the business. */
export function createReturnToBusiness(deps: { tabs: Tabs }) {
  return async (approval: Approval, outcome: ApprovalOutcome): Promise<void> => {
    const { request } = approval;
    if (request.kind !== 'business-challenge' || request.tabId === null || request.returnUrl === null) return;
    const url = buildReturnUrl(request.returnUrl, request.challengeId, returnStatus(outcome));
    if (!url) return;
    // The tab may have been closed meanwhile: nothing to send back then.
    await deps.tabs.update(request.tabId, { url }).catch(() => undefined);
  };
}
