/**
 * The Gateway side of `update-pin` and `reset-pin`:
 *   update-pin: current PIN → new PIN twice → progress (Argon2id + OPRF, share refresh, re-wraps) → done;
 *   reset-pin:  choose a recovery method → prove it (answers / emailed code / kit code) → new PIN twice
 *               → progress → done.
 * The router (app.ts) hands over its screen helpers; the background does the work (pin-change-host.ts).
 */
import type { GatewayChallenge } from '../background/challenge-reader.js';
import type { RecoveryMethod } from '../background/messages.js';
import { BackgroundError, callBackground } from '../ui/background-client.js';
import {
  recoveryMethodsScreen,
  resetEmailCodeScreen,
  resetEmailScreen,
  resetEmailWaitScreen,
  resetKitScreen,
  resetQuestionsScreen,
} from './pin-change-screens.js';
import { weakPinMessage } from './pin-hints.js';
import { doneScreen, loadingScreen, pinScreen } from './screens.js';

/** What the router lends these flows. */
export interface GatewayToolkit {
  show(element: HTMLElement): void;
  /** A background step behind a progress screen (app.ts `runStep`). */
  runStep<T>(
    approvalId: string,
    title: string,
    steps: readonly string[],
    call: () => Promise<T>,
    onWrongPin?: (message: string) => void,
  ): Promise<T | undefined>;
  reject(approvalId: string): Promise<void>;
  closeWindow(): void;
}

/** Matches update-pin-finish.ts NEW_PIN_STEPS (the background reports these indexes). */
const NEW_PIN_STEPS = [
  'Protect your wallet with the new PIN',
  'Refresh your key shares with the relay',
  'Save the protected copies',
  'Confirm with the relay',
];

function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return 'Something went wrong.';
  const capital = trimmed[0]?.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** A refusal the user can act on from the same screen; anything else is said with what to do. */
function problemText(error: unknown): string {
  const message = sentence((error as Error).message);
  if (error instanceof BackgroundError && error.code === 'relay-failed') {
    return `Your relay did not accept this: ${message} If it keeps failing, ask for a new PIN reset.`;
  }
  return message;
}

/**
 * New PIN, twice, with the weak-PIN rules; `differentFrom` refuses the current PIN (update-pin).
 * Then the background step that enrols it, refreshes the shares, re-wraps every copy and completes.
 */
function chooseNewPin(
  kit: GatewayToolkit,
  approvalId: string,
  challenge: GatewayChallenge,
  options: { intro: string; differentFrom?: string; error?: string },
): void {
  const again = (error: string) => chooseNewPin(kit, approvalId, challenge, { ...options, error });
  const choose = pinScreen({
    testId: 'new-pin',
    title: 'Choose a new 6-digit PIN',
    intro: options.intro,
    label: 'New PIN',
    tip: 'Pick six digits nobody could guess: not a birthday, a repeat or a run like 123456.',
    ...(options.error ? { error: options.error } : {}),
    onCancel: () => void kit.reject(approvalId),
    onComplete: (pin) => {
      const weak =
        weakPinMessage(pin) ??
        (pin === options.differentFrom ? 'This is your current PIN. Choose a different one.' : undefined);
      if (weak) {
        choose.pad.clear();
        choose.pad.setError(weak);
        choose.pad.focus();
        return;
      }
      const confirm = pinScreen({
        testId: 'confirm-new-pin',
        title: 'Enter the new PIN again',
        intro: 'This makes sure you typed the PIN you meant.',
        label: 'Repeat new PIN',
        cancelLabel: 'Back',
        onCancel: () => chooseNewPin(kit, approvalId, challenge, { ...options, error: '' }),
        onComplete: (repeated) => {
          if (repeated !== pin) {
            again('The two PINs were different. Choose your new PIN again.');
            return;
          }
          void (async () => {
            const answer = await kit.runStep(
              approvalId,
              challenge.kind === 'reset-pin' ? 'Resetting your PIN' : 'Changing your PIN',
              NEW_PIN_STEPS,
              () => callBackground({ type: 'pin-change.new', approvalId, pin }),
            );
            if (answer) {
              kit.show(
                doneScreen({
                  title: challenge.kind === 'reset-pin' ? 'Your PIN is reset' : 'Your PIN is changed',
                  body: `Use the new PIN from now on; the old one no longer works. Your wallets and addresses stay the same. ${challenge.businessName} has the result. You can close this window.`,
                  onClose: kit.closeWindow,
                }),
              );
            }
          })();
        },
      });
      kit.show(confirm.element);
    },
  });
  kit.show(choose.element);
}

export function startUpdatePin(
  kit: GatewayToolkit,
  approvalId: string,
  challenge: GatewayChallenge,
  error?: string,
): void {
  const current = pinScreen({
    testId: 'current-pin',
    title: 'Change your PIN',
    intro: `${challenge.businessName} asks you to change your PIN. First enter your current PIN.`,
    label: 'Current PIN',
    tip: 'Forgot it? Close this window and ask for a PIN reset instead.',
    ...(error ? { error } : {}),
    onCancel: () => void kit.reject(approvalId),
    onComplete: (pin) =>
      void (async () => {
        const ok = await kit.runStep(
          approvalId,
          'Checking your current PIN',
          ['Check your current PIN'],
          async () => {
            await callBackground({ type: 'pin-change.current', approvalId, pin });
            return true;
          },
          (message) => startUpdatePin(kit, approvalId, challenge, message),
        );
        if (ok) {
          chooseNewPin(kit, approvalId, challenge, {
            intro:
              'Your wallet’s key shares are refreshed with the new PIN, so anything protected by the old PIN stops working.',
            differentFrom: pin,
          });
        }
      })(),
  });
  kit.show(current.element);
}

/** A proof step behind a short busy screen; a correctable refusal comes back to `retry` with its text. */
async function prove(
  kit: GatewayToolkit,
  busy: string,
  call: () => Promise<unknown>,
  retry: (message: string) => void,
): Promise<boolean> {
  kit.show(loadingScreen(busy));
  try {
    await call();
    return true;
  } catch (error) {
    retry(problemText(error));
    return false;
  }
}

export function startResetPin(kit: GatewayToolkit, approvalId: string, challenge: GatewayChallenge): void {
  const newPin = () =>
    chooseNewPin(kit, approvalId, challenge, {
      intro:
        'Recovery confirmed. Now choose the PIN you will use from now on. Your wallets and addresses stay the same.',
    });
  let options: { methods: RecoveryMethod[]; questions: string[] | null } | undefined;

  async function choose(error?: string): Promise<void> {
    if (!options) {
      kit.show(loadingScreen('Looking up your recovery methods…'));
      try {
        options = await callBackground({ type: 'pin-change.options', approvalId });
      } catch (e) {
        await kit.runStep(approvalId, 'Reset your PIN', ['Look up your recovery methods'], () => Promise.reject(e));
        return;
      }
    }
    const known = options;
    kit.show(
      recoveryMethodsScreen({
        businessName: challenge.businessName,
        methods: known.methods,
        ...(error ? { error } : {}),
        onCancel: () => void kit.reject(approvalId),
        onChoose: (method) => {
          if (method === 'questions') questions(known.questions ?? []);
          else if (method === 'email') email();
          else recoveryKit();
        },
      }),
    );
  }

  function questions(prompts: string[], error?: string, typed?: string[]): void {
    kit.show(
      resetQuestionsScreen({
        questions: prompts,
        ...(typed ? { answers: typed } : {}),
        ...(error ? { error } : {}),
        onBack: () => void choose(),
        onSubmit: (answers) =>
          void prove(
            kit,
            'Checking your answers…',
            () => callBackground({ type: 'pin-change.answers', approvalId, answers }),
            (message) => questions(prompts, message, answers),
          ).then((ok) => ok && newPin()),
      }),
    );
  }

  function email(error?: string): void {
    kit.show(
      resetEmailScreen({
        ...(error ? { error } : {}),
        onBack: () => void choose(),
        onSend: () => void send(),
      }),
    );
  }

  async function send(): Promise<void> {
    kit.show(loadingScreen('Sending the code…'));
    try {
      const { sentTo } = await callBackground({ type: 'pin-change.email', approvalId });
      code(sentTo);
    } catch (e) {
      email(`The code could not be sent. ${problemText(e)}`);
    }
  }

  function code(sentTo: string, error?: string): void {
    let waited = false;
    const check = (value?: string) =>
      void (async () => {
        kit.show(loadingScreen('Checking the code…'));
        try {
          const answer = await callBackground({
            type: 'pin-change.email.code',
            approvalId,
            ...(value === undefined ? {} : { code: value }),
          });
          if (answer.released) newPin();
          else {
            kit.show(
              resetEmailWaitScreen({
                releaseAt: answer.releaseAt ?? '',
                expiresAt: challenge.expiresAt,
                businessName: challenge.businessName,
                tooEarly: waited,
                onCheck: () => check(),
                onBack: () => void choose(),
              }),
            );
            waited = true;
          }
        } catch (e) {
          code(sentTo, problemText(e));
        }
      })();
    kit.show(
      resetEmailCodeScreen({
        sentTo,
        ...(error ? { error } : {}),
        onBack: () => void choose(),
        onResend: () => void send(),
        onConfirm: (value) => check(value),
      }),
    );
  }

  function recoveryKit(error?: string): void {
    kit.show(
      resetKitScreen({
        ...(error ? { error } : {}),
        onBack: () => void choose(),
        onSubmit: (typed) =>
          void prove(
            kit,
            'Checking your recovery kit…',
            () => callBackground({ type: 'pin-change.kit', approvalId, code: typed }),
            (message) => recoveryKit(message),
          ).then((ok) => ok && newPin()),
      }),
    );
  }

  void choose();
}
