/**
 * What the Gateway says once a request is done, from the challenge's kind and the relay's public
 * result: the new wallets' addresses, the signature, the transaction hash.
 */
import type { GatewayChallenge } from '../background/challenge-reader.js';
import type { ApprovalField } from '../ui/components/approval-fields.js';

export interface Outcome {
  title: string;
  body: string;
  fields: ApprovalField[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function outcomeText(challenge: GatewayChallenge, result: Record<string, unknown>): Outcome {
  const back = `${challenge.businessName} has the result. You can close this window.`;
  switch (challenge.kind) {
    case 'initialize':
      return {
        title: 'Your wallet is set up',
        body: `Your PIN and recovery are ready. ${challenge.businessName} can now create wallets for you. You can close this window.`,
        fields: [],
      };
    case 'wallet-create': {
      const wallets = Array.isArray(result.wallets) ? (result.wallets as Record<string, unknown>[]) : [];
      return {
        title: wallets.length === 1 ? 'Your wallet is ready' : 'Your wallets are ready',
        body: `Only you and the relay together can sign for these addresses. ${back}`,
        fields: wallets.map((w) => ({
          label: `${str(w.blockchain) ?? 'Wallet'}${w.addressType === 'p2tr' ? ' (Taproot)' : ''}`,
          value: str(w.address) ?? '?',
          style: 'address' as const,
        })),
      };
    }
    case 'transfer':
    case 'contract-execution': {
      const hash = str(result.transactionHash);
      return {
        title: 'Sent',
        body: `The transaction was signed and sent to the network. ${back}`,
        fields: hash ? [{ label: 'Transaction', value: hash, style: 'mono' }] : [],
      };
    }
    default: {
      const signature = str(result.signature) ?? str(result.signedTransaction);
      return {
        title: 'Signed',
        body: back,
        fields: signature ? [{ label: 'Signature', value: signature, style: 'mono' }] : [],
      };
    }
  }
}
