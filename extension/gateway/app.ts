/**
 * The Gateway window's router: `gateway.html#<approvalId>` names the approval to show. It loads the
 * approval and its challenge from the background and picks the flow for the challenge's kind. The
 * background may move the same window on to the next approval by changing the hash.
 */
import type { GatewayChallenge } from '../background/challenge-reader.js';
import { isUuid } from '../background/ids.js';
import { BackgroundError, callBackground, watchProgress } from '../ui/background-client.js';
import { describeFields, isKnownKind, KIND_TITLES } from './describe.js';
import { weakPinMessage, wrongPinMessage } from './pin-hints.js';
import { approvalScreen, loadingScreen, pinScreen, problemScreen, progressScreen } from './screens.js';

export interface GatewayApp {
  /** Shows the approval named by the current hash. */
  route(): Promise<void>;
}

export function createGatewayApp(deps: { root: HTMLElement; hash: () => string; closeWindow: () => void }): GatewayApp {
  let generation = 0;

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

  /**
   * Hands the PIN to the background, which runs the flow (PIN guard, unwrap, MPC) and settles the
   * approval; the window then moves on or closes. A failure leaves the approval pending and says what
   * to do: a wrong PIN goes back to the PIN pad (`onWrongPin`), a locked PIN to the recovery advice.
   */
  async function carryOut(
    approvalId: string,
    pin: string,
    title: string,
    steps: readonly string[],
    onWrongPin?: (message: string) => void,
  ): Promise<void> {
    const { element, progress, showClose } = progressScreen(title, steps, () => void reject(approvalId));
    show(element);
    const stopWatching = watchProgress(approvalId, (event) => progress.setStep(event.step));
    try {
      await callBackground({ type: 'approval.approve', approvalId, pin });
      stopWatching();
      progress.done('Done. Taking you back to the site…');
      return;
    } catch (error) {
      stopWatching();
      const code = error instanceof BackgroundError ? error.code : 'internal';
      if (code === 'wrong-pin' && onWrongPin && error instanceof BackgroundError) {
        onWrongPin(wrongPinMessage(error.attemptsLeft));
        return;
      }
      if (code === 'pin-locked') {
        show(problemScreen('locked', { close: () => void reject(approvalId) }));
        return;
      }
      progress.fail(
        code === 'not-available'
          ? 'This version of Tandem cannot finish this request yet: its connection to the relay is still being built. Nothing was changed. Close this window.'
          : code === 'relay-failed'
            ? `Tandem could not complete this with your relay: ${(error as Error).message}. Close this window and start again from the site.`
            : `This did not work: ${(error as Error).message}. Close this window and start again from the site.`,
      );
      showClose();
    }
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
          void carryOut(approvalId, pin, 'Setting up your wallet', [
            'Protect your key share with your PIN',
            'Set up recovery',
            'Create your wallets',
          ]);
        },
      });
      show(again.element);
    }
  }

  function approval(approvalId: string, challenge: GatewayChallenge): void {
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
      intro: 'Your PIN unlocks your key share on this device for this approval.',
      label: 'PIN',
      cancelLabel: 'Back',
      ...(error ? { error } : {}),
      onCancel: () => approval(approvalId, challenge),
      onComplete: (pin) =>
        void carryOut(
          approvalId,
          pin,
          KIND_TITLES[challenge.kind] ?? 'Approving',
          ['Check your PIN', 'Sign together with the relay'],
          (message) => enterPin(approvalId, challenge, message),
        ),
    });
    show(unlock.element);
  }

  let expiryTimer: ReturnType<typeof setTimeout> | undefined;

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
      } else if (read.challenge.locked) {
        show(problemScreen('locked', { close }));
      } else if (!isKnownKind(read.challenge.kind)) {
        show(problemScreen('unsupported', { close }));
      } else if (Date.parse(read.challenge.expiresAt) <= Date.now()) {
        show(problemScreen('expired', { close }));
      } else {
        watchExpiry(approvalId, read.challenge.expiresAt, mine);
        if (read.challenge.kind === 'initialize') onboarding(approvalId, read.challenge);
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
