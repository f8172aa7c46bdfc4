/**
 * The Gateway window's router: `gateway.html#<approvalId>` names the approval to show. It loads the
 * approval and its challenge from the background and picks the flow for the challenge's kind. The
 * background may move the same window on to the next approval by changing the hash.
 */
import type { GatewayChallenge } from '../background/challenge-reader.js';
import { isUuid } from '../background/ids.js';
import type { RecoveryMethod } from '../background/messages.js';
import { BackgroundError, callBackground, watchProgress } from '../ui/background-client.js';
import { describeFields, isKnownKind, KIND_TITLES } from './describe.js';
import { exportResultScreen, exportUnavailableScreen, exportWarningScreen } from './export-screens.js';
import { outcomeText } from './outcome.js';
import { startResetPin, startUpdatePin } from './pin-change.js';
import { lockedScreen } from './pin-change-screens.js';
import { weakPinMessage, wrongPinMessage } from './pin-hints.js';
import {
  recoveryChoiceScreen,
  recoveryEmailScreen,
  recoveryKitScreen,
  recoveryQuestionsScreen,
} from './recovery-screens.js';
import { approvalScreen, doneScreen, loadingScreen, pinScreen, problemScreen, progressScreen } from './screens.js';

/** A relay or background message as a sentence: capital first letter, final full stop. */
function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return 'Something went wrong.';
  const capital = trimmed[0]?.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** The progress steps the background reports for each flow (indexes match its `progress` events). */
const PIN_STEPS = ['Register this device', 'Protect your key share with your PIN', 'Save the protected copy'];
const WALLET_STEPS = [
  'Check your PIN',
  'Create your keys together with the relay',
  'Save your new key shares',
  'Record your wallets',
];
const SIGN_STEPS = ['Check your PIN', 'Sign together with the relay', 'Done'];
const EXPORT_STEPS = ['Check your PIN', 'Receive the relay’s key parts', 'Rebuild your keys on this device'];

export interface GatewayApp {
  /** Shows the approval named by the current hash. */
  route(): Promise<void>;
}

export function createGatewayApp(deps: { root: HTMLElement; hash: () => string; closeWindow: () => void }): GatewayApp {
  let generation = 0;
  /** The business of the challenge on screen, for the locked screen (what to ask whom). */
  let businessName: string | undefined;

  function show(element: HTMLElement): void {
    deps.root.replaceChildren(element);
    // Move focus into the new screen so keyboard and screen-reader users land on it.
    const target =
      element.querySelector<HTMLElement>('input:not([disabled])') ??
      element.querySelector<HTMLElement>('button.primary:not([hidden])') ??
      element.querySelector<HTMLElement>('h2');
    if (target?.tagName === 'H2') target.tabIndex = -1;
    target?.focus();
    const title = element.querySelector('h2')?.textContent;
    document.title = title ? `${title} · Tandem` : 'Tandem';
  }

  async function reject(approvalId: string): Promise<void> {
    try {
      // The background then shows the next approval in this window, or closes it when none is left.
      // Closing it from here as well would reject the next approval the window has just moved to.
      await callBackground({ type: 'approval.reject', approvalId });
    } catch {
      // Already settled (e.g. by another window or a restart): nothing waits here, so close.
      deps.closeWindow();
    }
  }

  /** What a failure tells the user, by the background's error code. */
  function failureText(error: unknown): string {
    const code = error instanceof BackgroundError ? error.code : 'internal';
    const message = (error as Error).message;
    if (code === 'not-available') return `${sentence(message)} Close this window.`;
    if (code === 'no-answer') {
      return 'The Tandem service stopped before it could finish. Check on the site whether the request went through; if not, start it again there.';
    }
    if (code === 'relay-failed') {
      return `Tandem could not complete this with your relay: ${message}. Close this window and start again from the site.`;
    }
    if (code === 'refused') return `Tandem stopped here: ${message}. Nothing was signed. Close this window.`;
    return `This did not work: ${message}. Close this window and start again from the site.`;
  }

  /**
   * Runs one background step behind a progress screen. A failure says what to do: a wrong PIN goes
   * back to the PIN pad (`onWrongPin`), a locked PIN to the locked screen, anything else stays on
   * the progress screen with its reason and a Close button.
   */
  async function runStep<T>(
    approvalId: string,
    title: string,
    steps: readonly string[],
    call: () => Promise<T>,
    onWrongPin?: (message: string) => void,
  ): Promise<T | undefined> {
    const { element, progress, showClose } = progressScreen(title, steps, () => void reject(approvalId));
    show(element);
    const stopWatching = watchProgress(approvalId, (event) => {
      progress.setStep(event.step);
      // MPC rounds arrive quickly; the count shows the ceremony is moving rather than stuck.
      progress.note(event.round === undefined ? '' : `Message ${event.round} exchanged with the relay`);
    });
    try {
      const result = await call();
      stopWatching();
      progress.done('Done.');
      return result;
    } catch (error) {
      stopWatching();
      const code = error instanceof BackgroundError ? error.code : 'internal';
      if (code === 'wrong-pin' && onWrongPin && error instanceof BackgroundError) {
        onWrongPin(wrongPinMessage(error.attemptsLeft));
        return undefined;
      }
      if (code === 'pin-locked') {
        show(lockedScreen({ ...(businessName ? { businessName } : {}), close: () => void reject(approvalId) }));
        return undefined;
      }
      progress.fail(failureText(error));
      showClose();
      return undefined;
    }
  }

  /** After an approval settled: the window shows the outcome until the user closes it. */
  function finished(challenge: GatewayChallenge, result: Record<string, unknown>): void {
    show(doneScreen({ ...outcomeText(challenge, result), onClose: deps.closeWindow }));
  }

  function onboarding(approvalId: string, challenge: GatewayChallenge, error?: string): void {
    const choose = pinScreen({
      testId: 'choose-pin',
      title: 'Choose a 6-digit PIN',
      intro: `You will enter this PIN to approve everything ${challenge.businessName} asks of your wallet.`,
      label: 'New PIN',
      tip: 'Pick six digits nobody could guess: not a birthday, a repeat or a run like 123456.',
      ...(error ? { error } : {}),
      onCancel: () => void reject(approvalId),
      onComplete: (pin) => {
        const weak = weakPinMessage(pin);
        if (weak) {
          choose.pad.clear();
          choose.pad.setError(weak);
          choose.pad.focus();
          return;
        }
        confirm(pin);
      },
    });
    show(choose.element);

    function confirm(chosen: string): void {
      const again = pinScreen({
        testId: 'confirm-pin',
        title: 'Enter the same PIN again',
        intro: 'This makes sure you typed the PIN you meant.',
        label: 'Repeat PIN',
        cancelLabel: 'Back',
        onCancel: () => onboarding(approvalId, challenge),
        onComplete: (pin) => {
          if (pin !== chosen) {
            onboarding(approvalId, challenge, 'The two PINs were different. Choose your PIN again.');
            return;
          }
          void (async () => {
            const set = await runStep(approvalId, 'Protecting your wallet', PIN_STEPS, async () => {
              await callBackground({ type: 'onboarding.pin', approvalId, pin });
              return true;
            });
            if (set) recovery(approvalId, challenge, []);
          })();
        },
      });
      show(again.element);
    }
  }

  /** Recovery setup: at least one method, then completion at the relay. */
  function recovery(
    approvalId: string,
    challenge: GatewayChallenge,
    done: RecoveryMethod[],
    error?: string,
    existing?: RecoveryMethod[],
  ): void {
    const back = (methods: RecoveryMethod[] = done, message?: string) =>
      recovery(approvalId, challenge, methods, message, existing);
    const failed = (e: unknown) => sentence((e as Error).message);
    show(
      recoveryChoiceScreen({
        done,
        ...(existing ? { existing } : {}),
        ...(error ? { error } : {}),
        onChoose: (method) => {
          if (method === 'kit') void kit();
          else if (method === 'questions') questions();
          else email();
        },
        onFinish: () => void finish(),
      }),
    );

    async function kit(): Promise<void> {
      show(loadingScreen('Making your recovery kit…'));
      try {
        const { code } = await callBackground({ type: 'onboarding.kit', approvalId });
        show(
          recoveryKitScreen({
            code,
            businessName: challenge.businessName,
            onBack: () => back(),
            onSaved: () =>
              void callBackground({ type: 'onboarding.kit.saved', approvalId }).then(
                ({ methods }) => back(methods),
                (e) => back(done, `The kit could not be stored. ${failed(e)}`),
              ),
          }),
        );
      } catch (e) {
        back(done, `No recovery kit could be made. ${failed(e)}`);
      }
    }

    function questions(message?: string): void {
      show(
        recoveryQuestionsScreen({
          ...(message ? { error: message } : {}),
          onBack: () => back(),
          onSave: (qs, answers) => {
            show(loadingScreen('Protecting your answers…'));
            void callBackground({ type: 'onboarding.questions', approvalId, questions: qs, answers }).then(
              ({ methods }) => back(methods),
              (e) => questions(`The answers could not be saved. ${failed(e)}`),
            );
          },
        }),
      );
    }

    function email(sentTo?: string, message?: string): void {
      show(
        recoveryEmailScreen({
          ...(sentTo ? { sentTo } : {}),
          ...(message ? { error: message } : {}),
          onBack: () => back(),
          onSend: (address) => {
            show(loadingScreen('Sending the code…'));
            void callBackground({ type: 'onboarding.email', approvalId, email: address }).then(
              () => email(address),
              (e) => email(undefined, `The code could not be sent. ${failed(e)}`),
            );
          },
          onConfirm: (code) => {
            show(loadingScreen('Checking the code…'));
            void callBackground({ type: 'onboarding.email.code', approvalId, code }).then(
              ({ methods }) => back(methods),
              (e) => email(sentTo, failed(e)),
            );
          },
        }),
      );
    }

    async function finish(): Promise<void> {
      const completed = await runStep(approvalId, 'Finishing setup', ['Confirm your setup with the relay'], () =>
        callBackground({ type: 'onboarding.complete', approvalId }),
      );
      if (completed) finished(challenge, completed.result);
    }
  }

  function approval(approvalId: string, challenge: GatewayChallenge): void {
    if (challenge.kind === 'export-private-keys') {
      show(
        exportWarningScreen({
          businessName: challenge.businessName,
          onCancel: () => void reject(approvalId),
          onContinue: () => enterPin(approvalId, challenge),
        }),
      );
      return;
    }
    show(
      approvalScreen({
        title: KIND_TITLES[challenge.kind] ?? 'Approve',
        businessName: challenge.businessName,
        fields: describeFields(challenge),
        onReject: () => void reject(approvalId),
        onApprove: () => enterPin(approvalId, challenge),
      }),
    );
  }

  function enterPin(approvalId: string, challenge: GatewayChallenge, error?: string): void {
    const unlock = pinScreen({
      testId: 'enter-pin',
      title: 'Enter your PIN',
      intro:
        challenge.kind === 'export-private-keys'
          ? 'Your PIN unlocks your key share on this device and lets the relay release its part, so your keys can be rebuilt in this window.'
          : 'Your PIN unlocks your key share on this device for this approval.',
      label: 'PIN',
      cancelLabel: 'Back',
      ...(error ? { error } : {}),
      onCancel: () => approval(approvalId, challenge),
      onComplete: (pin) =>
        void (async () => {
          if (challenge.kind === 'recovery') {
            // The new recovery copies wrap the same bundle: open it, then the onboarding recovery steps.
            const opened = await runStep(
              approvalId,
              KIND_TITLES.recovery ?? 'Set up account recovery',
              ['Check your PIN', 'Choose your recovery methods'],
              () => callBackground({ type: 'recovery.unlock', approvalId, pin }),
              (message) => enterPin(approvalId, challenge, message),
            );
            if (opened) recovery(approvalId, challenge, [], undefined, opened.existing);
            return;
          }
          const answer = await runStep(
            approvalId,
            KIND_TITLES[challenge.kind] ?? 'Approving',
            challenge.kind === 'wallet-create'
              ? WALLET_STEPS
              : challenge.kind === 'export-private-keys'
                ? EXPORT_STEPS
                : SIGN_STEPS,
            () => callBackground({ type: 'approval.approve', approvalId, pin }),
            (message) => enterPin(approvalId, challenge, message),
          );
          if (answer && challenge.kind === 'export-private-keys') await exported(approvalId);
          else if (answer) finished(challenge, answer.result);
        })(),
    });
    show(unlock.element);
  }

  /** After an approved export: the rebuilt keys, taken once from the background; wiped when the window goes. */
  async function exported(approvalId: string): Promise<void> {
    try {
      const { keys } = await callBackground({ type: 'export.take', approvalId });
      const result = exportResultScreen({
        keys,
        onClose: () => {
          result.wipe();
          deps.closeWindow();
        },
      });
      window.addEventListener('pagehide', () => result.wipe(), { once: true });
      clearTimeout(expiryTimer); // the challenge is done; its expiry must not cover the keys meanwhile
      show(result.element);
    } catch (error) {
      show(exportUnavailableScreen(sentence((error as Error).message), deps.closeWindow));
    }
  }

  let expiryTimer: ReturnType<typeof setTimeout> | undefined;
  const pinChangeKit = { show, runStep, reject, closeWindow: deps.closeWindow };

  /** Replaces whatever screen is up with the expired screen once the challenge's time is over. */
  function watchExpiry(approvalId: string, expiresAt: string, mine: number): void {
    const delay = Date.parse(expiresAt) - Date.now();
    expiryTimer = setTimeout(
      () => {
        if (mine === generation) show(problemScreen('expired', { close: () => void reject(approvalId) }));
      },
      Math.max(0, Math.min(delay, 2 ** 31 - 1)),
    );
  }

  async function route(): Promise<void> {
    const mine = ++generation;
    clearTimeout(expiryTimer);
    const approvalId = deps.hash().replace(/^#/, '');
    if (!isUuid(approvalId)) {
      show(problemScreen('no-request', { close: deps.closeWindow }));
      return;
    }
    show(loadingScreen());
    try {
      const { approval: pending } = await callBackground({ type: 'approval.get', approvalId });
      if (pending.request.kind !== 'business-challenge') {
        // dApp requests share the queue; their screens come with the providers.
        if (mine === generation) show(problemScreen('unsupported', { close: () => void reject(approvalId) }));
        return;
      }
      const { challenge: read } = await callBackground({ type: 'challenge.read', approvalId });
      if (mine !== generation) return; // the window moved on to another approval meanwhile
      const close = () => void reject(approvalId);
      if (read.state === 'unreachable') {
        show(problemScreen('unreachable', { close, retry: () => void route() }, read.detail));
      } else if (read.state !== 'ready') {
        show(problemScreen(read.state, { close }));
      } else if (read.challenge.kind === 'reset-pin' && Date.parse(read.challenge.expiresAt) > Date.now()) {
        // A locked wallet is what a reset is for: it must not stop at the locked screen.
        businessName = read.challenge.businessName;
        watchExpiry(approvalId, read.challenge.expiresAt, mine);
        startResetPin(pinChangeKit, approvalId, read.challenge);
      } else if (read.challenge.locked) {
        show(lockedScreen({ businessName: read.challenge.businessName, close }));
      } else if (!isKnownKind(read.challenge.kind)) {
        show(problemScreen('unsupported', { close }));
      } else if (Date.parse(read.challenge.expiresAt) <= Date.now()) {
        show(problemScreen('expired', { close }));
      } else {
        watchExpiry(approvalId, read.challenge.expiresAt, mine);
        businessName = read.challenge.businessName;
        if (read.challenge.kind === 'initialize') onboarding(approvalId, read.challenge);
        else if (read.challenge.kind === 'update-pin') startUpdatePin(pinChangeKit, approvalId, read.challenge);
        else approval(approvalId, read.challenge);
      }
    } catch (error) {
      if (mine !== generation) return;
      if (error instanceof BackgroundError && error.code === 'unknown-approval') {
        show(problemScreen('no-request', { close: deps.closeWindow }));
      } else {
        show(
          problemScreen(
            'unreachable',
            { close: deps.closeWindow, retry: () => void route() },
            (error as Error).message,
          ),
        );
      }
    }
  }

  return { route };
}
