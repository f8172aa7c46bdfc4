/**
 * Onboarding's recovery screens (DESIGN.md §4.2): choose at least one way back in if the PIN is
 * forgotten — a recovery kit (a code shown once), three security questions, or an emailed code — then
 * finish. Each screen returns its element; app.ts wires the background calls.
 */
import type { RecoveryMethod } from '../background/messages.js';
import { h } from '../ui/dom.js';

function page(testId: string, title: string, ...content: Array<Node | null>): HTMLElement {
  return h('main', { class: 'screen', 'data-screen': testId }, h('h2', { id: 'screen-title' }, title), ...content);
}

const METHODS: { method: RecoveryMethod; title: string; body: string }[] = [
  {
    method: 'kit',
    title: 'Recovery kit (recommended)',
    body: 'A code you write down or store in a password manager. It works even if the relay is lost.',
  },
  {
    method: 'questions',
    title: 'Security questions',
    body: 'Three answers only you know. Wrong answers count like wrong PINs.',
  },
  {
    method: 'email',
    title: 'Email code',
    body: 'A code sent to your email address. You trust the relay’s operator with this one.',
  },
];

export function recoveryChoiceScreen(options: {
  done: readonly RecoveryMethod[];
  /** A `recovery` request: the methods already set up before it (choosing one again replaces it). */
  existing?: readonly RecoveryMethod[];
  error?: string;
  onChoose: (method: RecoveryMethod) => void;
  onFinish: () => void;
}): HTMLElement {
  const finish = h(
    'button',
    { class: 'primary', type: 'button', onclick: options.onFinish, 'data-testid': 'finish-setup' },
    'Finish setup',
  );
  finish.disabled = options.done.length === 0;
  return page(
    'recovery-setup',
    'Choose how to get back in',
    h(
      'p',
      {},
      'If you ever forget your PIN, a recovery method lets you set a new one. Set up at least one; two is safer.',
    ),
    h(
      'ul',
      { class: 'options' },
      ...METHODS.map(({ method, title, body }) => {
        const isDone = options.done.includes(method);
        const isExisting = options.existing?.includes(method) ?? false;
        return h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: isDone ? 'option done' : 'option',
              onclick: () => options.onChoose(method),
              'data-testid': `recovery-${method}`,
            },
            h('strong', {}, title),
            h(
              'span',
              { class: 'muted small', 'data-state': isDone ? 'done' : isExisting ? 'existing' : 'new' },
              isDone
                ? 'Set up ✓ — choose again to replace it'
                : isExisting
                  ? 'Already set up — choose it to replace it'
                  : body,
            ),
          ),
        );
      }),
    ),
    options.error ? h('p', { class: 'field-error', role: 'alert' }, options.error) : null,
    h(
      'p',
      { class: 'muted small', 'data-testid': 'recovery-hint' },
      options.done.length === 0 ? 'Finish setup becomes available once one method is set up.' : '',
    ),
    h('div', { class: 'actions' }, finish),
  );
}

/** The kit code, shown once, with copy/download and an "I saved it" confirmation. */
export function recoveryKitScreen(options: {
  code: string;
  businessName: string;
  onSaved: () => void;
  onBack: () => void;
}): HTMLElement {
  const saved = h('input', { type: 'checkbox', 'data-testid': 'kit-saved-check' });
  const next = h(
    'button',
    { class: 'primary', type: 'button', onclick: options.onSaved, 'data-testid': 'kit-saved' },
    'Continue',
  );
  next.disabled = true;
  saved.addEventListener('change', () => {
    next.disabled = !saved.checked;
  });
  const status = h('p', { class: 'muted small', role: 'status' });
  const copy = h(
    'button',
    {
      class: 'secondary',
      type: 'button',
      onclick: () => {
        void navigator.clipboard.writeText(options.code).then(
          () => {
            status.textContent = 'Copied. Paste it into your password manager now.';
          },
          () => {
            status.textContent = 'Copying is not allowed here: write the code down instead.';
          },
        );
      },
    },
    'Copy',
  );
  const download = h(
    'button',
    {
      class: 'secondary',
      type: 'button',
      onclick: () => {
        const text = `Tandem recovery kit for your wallet with ${options.businessName}\n\n${options.code}\n\nKeep this code private. Anyone with it and your relay can reset your PIN.\n`;
        const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
        const a = h('a', { href: url, download: 'tandem-recovery-kit.txt' });
        a.click();
        setTimeout(() => URL.revokeObjectURL(url), 1_000);
      },
    },
    'Download',
  );
  return page(
    'recovery-kit',
    'Save your recovery kit',
    h('p', {}, 'This code resets your PIN if you forget it. It is shown only this once.'),
    h('p', { class: 'kit-code', 'data-testid': 'kit-code', 'aria-label': 'Recovery code' }, options.code),
    h('div', { class: 'actions left' }, copy, download),
    status,
    h(
      'div',
      { class: 'notice warn' },
      h('p', {}, 'Anyone who has this code can take over your wallet’s PIN. Do not send it by email or chat.'),
    ),
    h('label', { class: 'check' }, saved, ' I saved this code somewhere safe'),
    h(
      'div',
      { class: 'actions' },
      h('button', { class: 'secondary', type: 'button', onclick: options.onBack, 'data-testid': 'cancel' }, 'Back'),
      next,
    ),
  );
}

export const QUESTION_CHOICES = [
  'What was the name of your first pet?',
  'What street did you grow up on?',
  'What was the name of your favourite teacher?',
  'In which city did your parents meet?',
  'What was the first concert you went to?',
  'What is the middle name of your oldest cousin?',
];

export function recoveryQuestionsScreen(options: {
  error?: string;
  onSave: (questions: string[], answers: string[]) => void;
  onBack: () => void;
}): HTMLElement {
  const rows = [0, 1, 2].map((i) => {
    const select = h(
      'select',
      { 'data-testid': `question-${i}` },
      ...QUESTION_CHOICES.map((q, j) => {
        const option = h('option', { value: q }, q);
        if (j === i) option.selected = true;
        return option;
      }),
    );
    const answer = h('input', { type: 'text', autocomplete: 'off', maxlength: 200, 'data-testid': `answer-${i}` });
    return { select, answer };
  });
  const error = h('p', { class: 'field-error', role: 'alert', 'data-testid': 'questions-error' }, options.error ?? '');
  for (const r of rows) {
    r.answer.addEventListener('input', () => {
      error.textContent = '';
    });
  }
  const save = () => {
    const questions = rows.map((r) => r.select.value);
    const answers = rows.map((r) => r.answer.value.trim());
    if (new Set(questions).size !== 3) {
      error.textContent = 'Choose three different questions.';
      return;
    }
    const empty = answers.findIndex((a) => a.length < 2);
    if (empty !== -1) {
      error.textContent = `Answer question ${empty + 1} (at least 2 characters).`;
      rows[empty]?.answer.focus();
      return;
    }
    options.onSave(questions, answers);
  };
  return page(
    'recovery-questions',
    'Security questions',
    h('p', {}, 'Pick three questions and answer them. Capitals and extra spaces do not matter later.'),
    ...rows.map((r, i) =>
      h(
        'div',
        { class: 'question' },
        h('label', { class: 'field' }, `Question ${i + 1}`, r.select),
        h('label', { class: 'field' }, 'Your answer', r.answer),
      ),
    ),
    error,
    h(
      'div',
      { class: 'actions' },
      h('button', { class: 'secondary', type: 'button', onclick: options.onBack, 'data-testid': 'cancel' }, 'Back'),
      h('button', { class: 'primary', type: 'button', onclick: save, 'data-testid': 'save-questions' }, 'Save answers'),
    ),
  );
}

export function recoveryEmailScreen(options: {
  sentTo?: string;
  error?: string;
  onSend: (email: string) => void;
  onConfirm: (code: string) => void;
  onBack: () => void;
}): HTMLElement {
  const error = h('p', { class: 'field-error', role: 'alert', 'data-testid': 'email-error' }, options.error ?? '');
  if (!options.sentTo) {
    const email = h('input', { type: 'email', autocomplete: 'email', 'data-testid': 'email' });
    const send = () => {
      const value = email.value.trim();
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
        error.textContent = 'Enter an email address like name@example.com.';
        return;
      }
      options.onSend(value);
    };
    return page(
      'recovery-email',
      'Recovery by email',
      h('p', {}, 'We will send a 6-digit code to check the address.'),
      h('label', { class: 'field' }, 'Email address', email),
      error,
      h(
        'div',
        { class: 'actions' },
        h('button', { class: 'secondary', type: 'button', onclick: options.onBack, 'data-testid': 'cancel' }, 'Back'),
        h('button', { class: 'primary', type: 'button', onclick: send, 'data-testid': 'send-code' }, 'Send code'),
      ),
    );
  }
  const code = h('input', {
    type: 'text',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    maxlength: 6,
    'data-testid': 'email-code',
  });
  const confirm = () => {
    const value = code.value.replace(/\s/g, '');
    if (!/^[0-9]{6}$/.test(value)) {
      error.textContent = 'Enter the 6 digits from the email.';
      return;
    }
    options.onConfirm(value);
  };
  return page(
    'recovery-email-code',
    'Enter the code',
    h(
      'p',
      {},
      'We sent a 6-digit code to ',
      h('strong', {}, options.sentTo),
      '. It is valid for 10 minutes. No email? Check your spam folder, or go back and send a new one.',
    ),
    h('label', { class: 'field' }, 'Code', code),
    error,
    h(
      'div',
      { class: 'actions' },
      h('button', { class: 'secondary', type: 'button', onclick: options.onBack, 'data-testid': 'cancel' }, 'Back'),
      h('button', { class: 'primary', type: 'button', onclick: confirm, 'data-testid': 'confirm-code' }, 'Confirm'),
    ),
  );
}
