/**
 * "Recent activity": the customer's latest requests as the relay records them (at most 20, newest
 * first): what it was in words, its status, the amount and recipient of a transfer, and how long ago.
 */
import type { ActivityEntry } from '../../protocol/wire/control.js';
import { h } from '../ui/dom.js';
import { activityAmount, activityKindLabel, activityStatus, chainName, relativeTime } from './format.js';

export type ActivityState =
  | { state: 'loading' }
  | { state: 'ready'; entries: ActivityEntry[] }
  | { state: 'failed'; message: string }
  | { state: 'none' };

function entryRow(entry: ActivityEntry, now: number): HTMLElement {
  const status = activityStatus(entry);
  const amount = activityAmount(entry);
  return h(
    'li',
    { 'data-testid': 'activity-entry', 'data-kind': entry.kind },
    h(
      'div',
      { class: 'activity-head' },
      h('span', { class: 'activity-kind' }, activityKindLabel(entry)),
      h(
        'time',
        { class: 'muted small', datetime: entry.createdAt, title: entry.createdAt },
        relativeTime(entry.createdAt, now),
      ),
    ),
    amount ? h('div', { class: 'activity-amount', title: entry.recipient ?? undefined }, amount) : null,
    h(
      'div',
      { class: 'activity-meta small' },
      h('span', { class: `activity-status tone-${status.tone}`, 'data-testid': 'activity-status' }, status.text),
      entry.blockchain ? h('span', { class: 'muted' }, ` · ${chainName(entry.blockchain)}`) : null,
    ),
  );
}

export function renderActivity(activity: ActivityState, retry: () => void, now: number): HTMLElement | null {
  if (activity.state === 'none') return null;
  let body: HTMLElement;
  switch (activity.state) {
    case 'loading':
      body = h(
        'p',
        { class: 'balances-loading muted small', 'data-testid': 'activity-loading', role: 'status' },
        h('span', { class: 'spinner', 'aria-hidden': 'true' }),
        'Loading recent activity…',
      );
      break;
    case 'failed':
      body = h(
        'p',
        { class: 'balance-error small', 'data-testid': 'activity-error' },
        'Couldn’t load recent activity — ',
        h('button', { class: 'link', type: 'button', 'data-testid': 'retry-activity', onclick: retry }, 'Retry'),
        h('span', { class: 'reason muted small' }, activity.message),
      );
      break;
    case 'ready':
      body =
        activity.entries.length === 0
          ? h(
              'p',
              { class: 'muted small', 'data-testid': 'activity-empty' },
              'Nothing yet. When the business you use asks you to approve something, it appears here.',
            )
          : h('ul', { class: 'activity-list' }, ...activity.entries.map((e) => entryRow(e, now)));
      break;
  }
  return h('section', { class: 'card activity', 'data-testid': 'activity' }, h('h2', {}, 'Recent activity'), body);
}
