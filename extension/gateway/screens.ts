/**
 * The Gateway's screens. Each returns the element to show; the router (app.ts) swaps them. Every
 * screen that is not a step forward says what happened and what to do next, with a button for it.
 */
import { type ApprovalField, renderApprovalFields } from '../ui/components/approval-fields.js';
import { createPinPad, type PinPad } from '../ui/components/pin-pad.js';
import { createProgress, type Progress } from '../ui/components/progress.js';
import { h } from '../ui/dom.js';

export type ProblemKind = 'unknown' | 'expired' | 'used' | 'unreachable' | 'no-request' | 'locked' | 'unsupported';

const PROBLEMS: Record<ProblemKind, { title: string; body: string }> = {
  unknown: {
    title: 'This request does not exist',
    body: 'The link may be incomplete, or it belongs to another relay. Go back to the site that sent you here and start again.',
  },
  expired: {
    title: 'This request has expired',
    body: 'Requests are valid for 15 minutes. Go back to the site that sent you here and start again.',
  },
  used: {
    title: 'This request was already used',
    body: 'It was approved or refused before and cannot be used twice. Go back to the site to see the result, or start a new request there.',
  },
  unreachable: {
    title: 'Tandem could not get this request from your relay',
    body: 'Check your internet connection, then try again. If it keeps failing, check the relay address in Tandem’s settings.',
  },
  'no-request': {
    title: 'Nothing to approve here',
    body: 'This request was already finished or cancelled. You can close this window.',
  },
  locked: {
    title: 'Your PIN is locked',
    body: 'After too many wrong PINs, your wallet locks to protect it. Ask the site to start a PIN reset, then use one of your recovery methods.',
  },
  unsupported: {
    title: 'Tandem needs an update for this request',
    body: 'This version does not know this kind of request. Update the Tandem extension, then start again from the site.',
  },
};

function page(testId: string, title: string, ...content: Array<Node | null>): HTMLElement {
  return h('main', { class: 'screen', 'data-screen': testId }, h('h2', { id: 'screen-title' }, title), ...content);
}

export function loadingScreen(title?: string): HTMLElement {
  return title
    ? page('busy', title, h('p', { class: 'muted' }, 'This takes a moment.'))
    : page('loading', 'Loading the request…', h('p', { class: 'muted' }, 'Asking your relay what this request is.'));
}

export function problemScreen(
  kind: ProblemKind,
  actions: { close: () => void; retry?: () => void },
  detail?: string,
): HTMLElement {
  const { title, body } = PROBLEMS[kind];
  return page(
    `problem-${kind}`,
    title,
    h('div', { class: 'notice warn' }, h('p', {}, body), detail ? h('p', { class: 'detail' }, detail) : null),
    h(
      'div',
      { class: 'actions' },
      // When trying again can help, it is the main action; otherwise closing is.
      h(
        'button',
        {
          class: actions.retry ? 'secondary' : 'primary',
          type: 'button',
          onclick: actions.close,
          'data-testid': 'close',
        },
        'Close',
      ),
      actions.retry
        ? h('button', { class: 'primary', type: 'button', onclick: actions.retry, 'data-testid': 'retry' }, 'Try again')
        : null,
    ),
  );
}

export interface PinScreen {
  element: HTMLElement;
  pad: PinPad;
}

export function pinScreen(options: {
  testId: string;
  title: string;
  intro: string;
  label: string;
  tip?: string;
  error?: string;
  onComplete: (pin: string) => void;
  onCancel: () => void;
  cancelLabel?: string;
}): PinScreen {
  const pad = createPinPad({ label: options.label, onComplete: options.onComplete, onInput: () => pad.setError('') });
  const element = page(
    options.testId,
    options.title,
    h('p', {}, options.intro),
    pad.element,
    options.tip ? h('p', { class: 'muted small' }, options.tip) : null,
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { class: 'secondary', type: 'button', onclick: options.onCancel, 'data-testid': 'cancel' },
        options.cancelLabel ?? 'Cancel',
      ),
    ),
  );
  if (options.error) pad.setError(options.error);
  return { element, pad };
}

export function approvalScreen(options: {
  title: string;
  businessName: string;
  fields: readonly ApprovalField[];
  onApprove: () => void;
  onReject: () => void;
}): HTMLElement {
  return page(
    'approval',
    options.title,
    h('p', {}, h('strong', {}, options.businessName), ' asks you to approve this. Check every line.'),
    renderApprovalFields(options.fields),
    h(
      'div',
      { class: 'actions' },
      h('button', { class: 'secondary', type: 'button', onclick: options.onReject, 'data-testid': 'reject' }, 'Reject'),
      h(
        'button',
        { class: 'primary', type: 'button', onclick: options.onApprove, 'data-testid': 'approve' },
        'Approve with PIN',
      ),
    ),
  );
}

export function progressScreen(
  title: string,
  steps: readonly string[],
  onClose: () => void,
): {
  element: HTMLElement;
  progress: Progress;
  showClose(): void;
} {
  const progress = createProgress(steps);
  const close = h('button', { class: 'primary', type: 'button', onclick: onClose, hidden: true }, 'Close');
  const element = page('progress', title, progress.element, h('div', { class: 'actions' }, close));
  return {
    element,
    progress,
    showClose() {
      close.hidden = false;
      close.focus();
    },
  };
}

/** The end of a flow: what happened, what was made (addresses, signature), and how to leave. */
export function doneScreen(options: {
  title: string;
  body: string;
  fields?: readonly ApprovalField[];
  onClose: () => void;
}): HTMLElement {
  return page(
    'done',
    options.title,
    h('div', { class: 'notice ok' }, h('p', { 'data-testid': 'done-body' }, options.body)),
    options.fields && options.fields.length > 0 ? renderApprovalFields(options.fields) : null,
    h(
      'div',
      { class: 'actions' },
      h('button', { class: 'primary', type: 'button', onclick: options.onClose, 'data-testid': 'close' }, 'Close'),
    ),
  );
}
