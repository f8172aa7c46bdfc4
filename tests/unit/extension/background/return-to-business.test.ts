import { describe, expect, it } from 'vitest';
import { type Approval, userRejected } from '../../../../extension/background/approvals.js';
import { buildReturnUrl, createReturnToBusiness } from '../../../../extension/background/return-to-business.js';

const CHALLENGE = '11111111-1111-4111-8111-111111111111';

function approval(returnUrl: string | null, tabId: number | null = 5): Approval {
  return {
    id: '22222222-2222-4222-8222-222222222222',
    createdAt: 1,
    request: {
      kind: 'business-challenge',
      relayOrigin: 'http://127.0.0.1:8787',
      challengeId: CHALLENGE,
      tabId,
      returnUrl,
    },
  };
}

function tabsLog() {
  const updates: Array<[number, string]> = [];
  return {
    updates,
    tabs: {
      async update(tabId: number, props: { url: string }) {
        updates.push([tabId, props.url]);
      },
    },
  };
}

describe('return to the business', () => {
  it('sends the tab to the return URL with challengeId and status=verified on approval', async () => {
    const { tabs, updates } = tabsLog();
    await createReturnToBusiness({ tabs })(approval('https://shop.example/done?order=9'), {
      status: 'approved',
      result: {},
    });
    expect(updates).toEqual([[5, `https://shop.example/done?order=9&challengeId=${CHALLENGE}&status=verified`]]);
  });

  it('says status=rejected when the user closed the window', async () => {
    const { tabs, updates } = tabsLog();
    await createReturnToBusiness({ tabs })(approval('https://shop.example/done'), userRejected());
    expect(updates[0]?.[1]).toContain('status=rejected');
  });

  it('overrides challengeId/status parameters the business URL already had', () => {
    expect(buildReturnUrl('https://s.example/?status=verified', CHALLENGE, 'failed')).toBe(
      `https://s.example/?status=failed&challengeId=${CHALLENGE}`,
    );
  });

  it('does nothing without a return URL or a tab', async () => {
    const { tabs, updates } = tabsLog();
    await createReturnToBusiness({ tabs })(approval(null), userRejected());
    await createReturnToBusiness({ tabs })(approval('https://shop.example/', null), userRejected());
    expect(updates).toEqual([]);
  });

  it('refuses a non-http return URL', () => {
    expect(buildReturnUrl('javascript:alert(1)', CHALLENGE, 'verified')).toBeUndefined();
  });
});
