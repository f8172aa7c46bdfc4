/**
 * The Gateway's screens for changing and resetting the PIN (DESIGN.md §4.1–4.2) and for a locked
 * wallet: choose a recovery method, prove it (answers, emailed code, recovery kit code), and the
 * locked screen that tells the user what to ask the business for. pin-change.ts wires them.
 */

import { RecoveryInputError } from '../../protocol/pin/errors.js';
import { parseRecoveryKitCode } from '../../protocol/pin/recovery-kit.js';
import type { RecoveryMethod } from '../background/messages.js';
import { h } from '../ui/dom.js';

function page(testId: string, title: string, ...content: Array<Node | null>): HTMLElement {
  return h('main', { class: 'screen', 'data-screen': testId }, h('h2', { id: 'screen-title' }, title), ...content);
}

function errorLine(testId: string, text?: string): HTMLElement {
  return h('p', { class: 'field-error', role: 'alert', 'data-testid': testId }, text ?? '');
}

function button(kind: 'primary' | 'secondary', label: string, onclick: () => void, testId: string): HTMLElement {
  return h('button', { class: kind, type: 'button', onclick, 'data-testid': testId }, label);
}

/** What the user needs for each method, in the words the locked screen and the choice use. */
export const METHOD_WORDS: Record<RecoveryMethod, { title: string; need: string }> = {
  kit: { title: 'Recovery kit', need: 'the recovery kit code you saved (seven groups of four characters)' },
  questions: { title: 'Security questions', need: 'the answers to your three security questions' },
  email: { title: 'Email code', need: 'access to the email address you set up, for a 6-digit code' },
};

/**
 * After too many wrong PINs. Only the business can start a reset (a `reset-pin` request), so the
 * screen says what to ask for, and what the user will need then.
 */
export function lockedScreen(options: { businessName?: string; close: () => void }): HTMLElement {
  const business = options.businessName || 'the site you use Tandem with';
  return page(
    'problem-locked',
    'Your PIN is locked',
    h(
      'div',
      { class: 'notice warn' },
      h(
        'p',
        {},
        'Too many wrong PINs were entered, so your wallet locked to protect your funds. Nothing can be signed until you set a new PIN.',
      ),
    ),
    h(
      'p',
      { 'data-testid': 'locked-next' },
      'To unlock it, ask ',
      h('strong', {}, business),
      ' to ',
      h('strong', {}, 'reset your PIN'),
      '. Tandem then opens a window where you prove it is you with one of the recovery methods you set up:',
    ),
    h(
      'ul',
      { class: 'small' },
      ...(['kit', 'questions', 'email'] as const).map((m) =>
        h('li', {}, h('strong', {}, METHOD_WORDS[m].title), ': ', METHOD_WORDS[m].need),
      ),
    ),
    h('p', { class: 'muted small' }, 'Your wallets and funds are safe: a reset keeps the same addresses.'),
    h('div', { class: 'actions' }, button('primary', 'Close', options.close, 'close')),
  );
}

export function recoveryMethodsScreen(options: {
  businessName: string;
  methods: readonly RecoveryMethod[];
  error?: string;
  onChoose: (method: RecoveryMethod) => void;
  onCancel: () => void;
}): HTMLElement {
  if (options.methods.length === 0) {
    return page(
      'reset-no-method',
      'No recovery method is set up',
      h(
        'div',
        { class: 'notice warn' },
        h(
          'p',
          {},
          `This wallet has no recovery kit, security questions or email recovery, so Tandem cannot reset its PIN. Contact ${options.businessName} for help.`,
        ),
      ),
      h('div', { class: 'actions' }, button('primary', 'Close', options.onCancel, 'close')),
    );
  }
  return page(
    'reset-choose',
    'Reset your PIN',
    h(
      'p',
      {},
      h('strong', {}, options.businessName),
      ' started a PIN reset. First prove it is you with one of the recovery methods you set up.',
    ),
    h(
      'ul',
      { class: 'options' },
      ...options.methods.map((method) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'option',
              onclick: () => options.onChoose(method),
              'data-testid': `reset-${method}`,
            },
            h('strong', {}, METHOD_WORDS[method].title),
            h('span', { class: 'muted small' }, `You need ${METHOD_WORDS[method].need}.`),
          ),
        ),
      ),
    ),
    options.error ? errorLine('reset-error', options.error) : null,
    h('div', { class: 'actions' }, button('secondary', 'Cancel', options.onCancel, 'cancel')),
  );
}

export function resetQuestionsScreen(options: {
  questions: readonly string[];
  /** What the user typed last time (kept after wrong answers, so one typo does not mean typing all three again). */
  answers?: readonly string[];
  error?: string;
  onSubmit: (answers: string[]) => void;
  onBack: () => void;
}): HTMLElement {
  const inputs = options.questions.map((_, i) => {
    const input = h('input', { type: 'text', autocomplete: 'off', maxlength: 200, 'data-testid': `reset-answer-${i}` });
    input.value = options.answers?.[i] ?? '';
    return input;
  });
  const error = errorLine('reset-answers-error', options.error);
  for (const input of inputs) input.addEventListener('input', () => (error.textContent = ''));
  const submit = () => {
    const answers = inputs.map((i) => i.value.trim());
    const empty = answers.findIndex((a) => a.length === 0);
    if (empty !== -1) {
      error.textContent = `Answer question ${empty + 1}.`;
      inputs[empty]?.focus();
      return;
    }
    options.onSubmit(answers);
  };
  return page(
    'reset-questions',
    'Answer your security questions',
    h('p', {}, 'Give the answers you chose when you set up your wallet. Capitals and extra spaces do not matter.'),
    ...options.questions.map((q, i) => h('label', { class: 'field' }, q, inputs[i] as HTMLElement)),
    h('p', { class: 'muted small' }, 'Wrong answers count: after five, this method locks and you need another one.'),
    error,
    h(
      'div',
      { class: 'actions' },
      button('secondary', 'Back', options.onBack, 'cancel'),
      button('primary', 'Continue', submit, 'submit-answers'),
    ),
  );
}

export function resetEmailScreen(options: { error?: string; onSend: () => void; onBack: () => void }): HTMLElement {
  return page(
    'reset-email',
    'Get a code by email',
    h(
      'p',
      {},
      'Tandem’s relay sends a 6-digit code to the email address you set up for recovery. It is valid for 10 minutes.',
    ),
    errorLine('reset-email-error', options.error),
    h(
      'div',
      { class: 'actions' },
      button('secondary', 'Back', options.onBack, 'cancel'),
      button('primary', 'Send the code', options.onSend, 'send-reset-code'),
    ),
  );
}

export function resetEmailCodeScreen(options: {
  sentTo: string;
  error?: string;
  onConfirm: (code: string) => void;
  onResend: () => void;
  onBack: () => void;
}): HTMLElement {
  const code = h('input', {
    type: 'text',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    maxlength: 7,
    'data-testid': 'reset-email-code',
  });
  const error = errorLine('reset-email-error', options.error);
  code.addEventListener('input', () => (error.textContent = ''));
  const confirm = () => {
    const value = code.value.replace(/\s/g, '');
    if (!/^[0-9]{6}$/.test(value)) {
      error.textContent = 'Enter the 6 digits from the email.';
      return;
    }
    options.onConfirm(value);
  };
  return page(
    'reset-email-code',
    'Enter the code',
    h('p', {}, 'We sent a 6-digit code to ', h('strong', {}, options.sentTo), '. It is valid for 10 minutes.'),
    h('label', { class: 'field' }, 'Code', code),
    error,
    h(
      'p',
      { class: 'muted small' },
      'No email after a minute? Check your spam folder, or ',
      h(
        'a',
        {
          href: '#',
          'data-testid': 'resend-code',
          onclick: (e: Event) => {
            e.preventDefault();
            options.onResend();
          },
        },
        'send a new code',
      ),
      '.',
    ),
    h(
      'div',
      { class: 'actions' },
      button('secondary', 'Back', options.onBack, 'cancel'),
      button('primary', 'Confirm', confirm, 'confirm-reset-code'),
    ),
  );
}

/** The relay's optional time lock after a right code (RECOVERY_EMAIL_DELAY). */
export function resetEmailWaitScreen(options: {
  releaseAt: string;
  /** When this reset request expires: a wait that ends later cannot finish in it. */
  expiresAt: string;
  businessName: string;
  /** Shown again after "Check again" came too early. */
  tooEarly?: boolean;
  onCheck: () => void;
  onBack: () => void;
}): HTMLElement {
  const release = Date.parse(options.releaseAt);
  const when = Number.isNaN(release)
    ? 'later'
    : new Date(release).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const tooLate = !Number.isNaN(release) && release > Date.parse(options.expiresAt);
  return page(
    'reset-email-wait',
    'The code is right: now wait',
    h(
      'div',
      { class: tooLate ? 'notice warn' : 'notice' },
      h(
        'p',
        {},
        tooLate
          ? `For your safety, email recovery opens only after a waiting period, which ends at ${when} — after this reset request expires. Ask ${options.businessName} how to finish email recovery, or use another recovery method.`
          : `For your safety, email recovery opens only after a waiting period. Keep this window open and choose Check again after ${when}.`,
      ),
    ),
    options.tooEarly
      ? h(
          'p',
          { class: 'field-error', role: 'status', 'data-testid': 'too-early' },
          `Not yet: the waiting period ends at ${when}.`,
        )
      : null,
    h(
      'div',
      { class: 'actions' },
      button('secondary', 'Back', options.onBack, 'cancel'),
      button('primary', 'Check again', options.onCheck, 'check-again'),
    ),
  );
}

/** The typed kit code's problem in plain words (undefined when its check symbols match). */
export function kitCodeError(typed: string): string | undefined {
  try {
    parseRecoveryKitCode(typed);
    return undefined;
  } catch (error) {
    if (!(error instanceof RecoveryInputError)) throw error;
    const why = error.message.replace(/^recovery input "[^"]*" refused: /, '');
    if (/checksum/.test(why)) {
      return 'This code has a typo: its check characters do not match. Compare each group with your saved kit (0 and O, 1 and I are the same).';
    }
    if (/expected 28 characters/.test(why)) {
      return `A kit code has 28 characters in seven groups of four; ${why.replace(/^expected 28 characters, got /, 'this has ')}.`;
    }
    return `${why[0]?.toUpperCase()}${why.slice(1)}. Kit codes use digits and the letters A–Z except I, L, O and U.`;
  }
}

export function resetKitScreen(options: {
  error?: string;
  onSubmit: (code: string) => void;
  onBack: () => void;
}): HTMLElement {
  const input = h('input', {
    type: 'text',
    autocomplete: 'off',
    autocapitalize: 'characters',
    spellcheck: 'false',
    maxlength: 60,
    placeholder: 'XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX',
    'data-testid': 'reset-kit-code',
  });
  const error = errorLine('reset-kit-error', options.error);
  input.addEventListener('input', () => (error.textContent = ''));
  const submit = () => {
    const problem = kitCodeError(input.value);
    if (problem) {
      error.textContent = problem;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    options.onSubmit(input.value);
  };
  return page(
    'reset-kit',
    'Enter your recovery kit code',
    h('p', {}, 'Type or paste the code from the recovery kit you saved. Hyphens, spaces and capitals do not matter.'),
    h('label', { class: 'field' }, 'Recovery kit code', input),
    error,
    h(
      'div',
      { class: 'actions' },
      button('secondary', 'Back', options.onBack, 'cancel'),
      button('primary', 'Continue', submit, 'submit-kit'),
    ),
  );
}
