/**
 * NEAR approvals: the receiver and each action — Transfer in NEAR (from yoctoNEAR), FunctionCall with
 * its method, JSON arguments, deposit and gas, and the account-changing actions (AddKey, DeleteKey,
 * DeleteAccount, DeployContract, Stake) flagged as sensitive — for transfers and calls as asked for,
 * relay-built transactions, caller-built borsh transactions and NEP-366 delegate actions. Borsh is
 * decoded leniently (protocol/chains/near/display.ts): what cannot be read is shown raw with why.
 */
import { base64 } from '@scure/base';
import { formatUnits } from '../../../protocol/chains/amounts.js';
import {
  decodeNearDelegateActionForDisplay,
  decodeNearTransactionForDisplay,
  type NearDisplayAction,
  type NearDisplayDelegateAction,
} from '../../../protocol/chains/near/display.js';
import type { NearUnsignedTransaction } from '../../../protocol/chains/near/transaction.js';
import { knownToken } from '../../../protocol/chains/networks.js';
import {
  type ApprovalField,
  address,
  field,
  formatAmount,
  networkField,
  rawFallback,
  rawJson,
  readableText,
  section,
  str,
  toBigInt,
  type ViewContext,
  walletField,
  warning,
} from './common.js';

const NEAR = { symbol: 'NEAR', decimals: 24 };

const near = (yocto: unknown): ApprovalField => {
  const n = toBigInt(yocto);
  return n === undefined
    ? warning('Amount', `Unreadable amount ${rawJson(yocto)}`)
    : field('Amount', formatAmount(n, NEAR), { style: 'amount', hint: `${n} yoctoNEAR` });
};

const tgas = (gas: unknown): string => {
  const n = toBigInt(gas);
  return n === undefined ? String(gas) : `${formatUnits(n, 12)} TGas`;
};

/** A FunctionCall's arguments: pretty JSON when they are JSON, text or base64 otherwise. */
function argsFields(argsBase64: string): { fields: ApprovalField[]; json: Record<string, unknown> | undefined } {
  let bytes: Uint8Array;
  try {
    bytes = base64.decode(argsBase64);
  } catch {
    return { fields: [warning('Arguments', `Not base64: ${argsBase64}`)], json: undefined };
  }
  if (bytes.length === 0) return { fields: [field('Arguments', '(none)')], json: undefined };
  const text = readableText(bytes);
  if (text !== undefined) {
    try {
      const json = JSON.parse(text) as unknown;
      return {
        fields: [field('Arguments', JSON.stringify(json, null, 2), { style: 'mono' })],
        json:
          typeof json === 'object' && json !== null && !Array.isArray(json)
            ? (json as Record<string, unknown>)
            : undefined,
      };
    } catch {
      return { fields: [field('Arguments (text)', text, { style: 'mono' })], json: undefined };
    }
  }
  return {
    fields: [
      field('Arguments (base64)', argsBase64, { style: 'mono', hint: `${bytes.length} bytes` }),
      warning('Binary arguments', 'The arguments are not JSON; this wallet cannot show what they mean.'),
    ],
    json: undefined,
  };
}

function actionFields(a: NearDisplayAction, n: number, receiverId: string, ctx: ViewContext): ApprovalField {
  switch (a.type) {
    case 'Transfer':
      return section(`${n}. Send NEAR`, [near(a.deposit), address('To', receiverId)]);
    case 'FunctionCall': {
      const args = argsFields(a.args);
      const children: ApprovalField[] = [field('Method', a.methodName, { style: 'mono' }), ...args.fields];
      const deposit = toBigInt(a.deposit) ?? 0n;
      const token = knownToken(ctx.network, { address: receiverId });
      if ((a.methodName === 'ft_transfer' || a.methodName === 'ft_transfer_call') && args.json) {
        const amount = toBigInt(args.json.amount);
        children.unshift(
          field(
            'Sends',
            amount !== undefined && token ? formatAmount(amount, token) : `${String(args.json.amount)} base units`,
            {
              style: 'amount',
              tone: 'highlight',
              hint: `To ${String(args.json.receiver_id)}, of the token ${receiverId}`,
            },
          ),
        );
      }
      children.push(
        deposit > 0n && deposit < 1_000_000_000_000n
          ? field('Deposit', `${deposit} yoctoNEAR`, { hint: 'Attached to the call (a confirmation, not a payment)' })
          : field('Deposit', formatAmount(deposit, NEAR), { hint: `${deposit} yoctoNEAR attached to the call` }),
        field('Gas', tgas(a.gas)),
      );
      if (deposit > 1n)
        children.push(
          warning('Deposit attached', `This call also pays ${formatAmount(deposit, NEAR)} to ${receiverId}.`),
        );
      return section(`${n}. Call ${a.methodName}`, children, '', `On ${receiverId}`);
    }
    case 'AddKey': {
      const p = a.permission;
      const what =
        p.kind === 'FullAccess'
          ? 'gives FULL CONTROL of the account (it can move all funds and change keys)'
          : `can call ${p.methodNames.length > 0 ? p.methodNames.join(', ') : 'any method'} on ${p.receiverId}, spending up to ${p.allowance === null ? 'an unlimited amount' : formatAmount(BigInt(p.allowance), NEAR)} in fees`;
      return section(`${n}. Add an access key`, [
        warning('Sensitive', `Adds a key to ${receiverId} that ${what}.`),
        field('Key', a.publicKey, { style: 'address' }),
        field('Permission', p.kind === 'FullAccess' ? 'Full access' : 'Function calls only'),
      ]);
    }
    case 'DeleteKey':
      return section(`${n}. Delete an access key`, [
        warning('Sensitive', `Removes a key from ${receiverId}. If it is the key you sign with, you lose access.`),
        field('Key', a.publicKey, { style: 'address' }),
      ]);
    case 'DeleteAccount':
      return section(`${n}. Delete the account`, [
        warning('Sensitive', `Deletes ${receiverId}; its remaining NEAR goes to ${a.beneficiaryId}.`),
        address('Beneficiary', a.beneficiaryId),
      ]);
    case 'CreateAccount':
      return section(`${n}. Create an account`, [address('Account', receiverId)]);
    case 'DeployContract':
      return section(`${n}. Deploy a contract`, [
        warning('Sensitive', `Replaces the code of ${receiverId}; code can move the account's funds.`),
        field('Code', `${a.codeBytes} bytes`, { hint: `SHA-256 ${a.codeSha256}` }),
      ]);
    case 'DeployGlobalContract':
      return section(`${n}. Deploy a global contract`, [
        warning('Sensitive', 'Publishes contract code for other accounts to use.'),
        field('Code', `${a.codeBytes} bytes`, { hint: `SHA-256 ${a.codeSha256}; identified by ${a.mode}` }),
      ]);
    case 'UseGlobalContract':
      return section(`${n}. Use a global contract`, [
        warning('Sensitive', `Replaces the code of ${receiverId} with a published contract.`),
        field('Contract', a.codeHash ?? a.accountId ?? '', { style: 'mono' }),
      ]);
    case 'Stake':
      return section(`${n}. Stake`, [
        warning('Sensitive', 'Locks NEAR as a validator stake.'),
        near(a.stake),
        field('Validator key', a.publicKey, { style: 'address' }),
      ]);
    case 'Delegate':
      return section(
        `${n}. Relay a delegate action`,
        delegateFields(a.delegate, ctx),
        '',
        `From ${a.delegate.senderId}`,
      );
    default:
      return warning(`${n}. Unknown action`, rawJson(a));
  }
}

function actionsFields(actions: readonly NearDisplayAction[], receiverId: string, ctx: ViewContext): ApprovalField[] {
  return actions.map((a, i) =>
    typeof a === 'object' && a !== null
      ? actionFields(a, i + 1, receiverId, ctx)
      : warning(`${i + 1}. Unknown action`, rawJson(a)),
  );
}

function delegateFields(
  d: Partial<NearDisplayDelegateAction> & { actions: NearDisplayAction[] },
  ctx: ViewContext,
): ApprovalField[] {
  const receiver = d.receiverId ?? '(unreadable)';
  const fields: ApprovalField[] = [address('Receiver', receiver), ...actionsFields(d.actions, receiver, ctx)];
  if (d.senderId !== undefined)
    fields.push(address('Sender', d.senderId, d.senderId === ctx.walletAddress ? 'Your wallet' : undefined));
  if (d.maxBlockHeight !== undefined) fields.push(field('Valid until block', d.maxBlockHeight));
  if (d.publicKey !== undefined) fields.push(field('Signing key', d.publicKey, { style: 'address' }));
  if (d.nonce !== undefined) fields.push(field('Nonce', d.nonce));
  return fields;
}

export function nearTransferFields(p: Record<string, unknown>, ctx: ViewContext): ApprovalField[] {
  const amounts = Array.isArray(p.amounts) ? p.amounts : [];
  const amount = typeof amounts[0] === 'string' ? amounts[0] : undefined;
  const tokenId = str(p, 'tokenId');
  const tokenAddress = str(p, 'tokenAddress');
  const isToken = tokenId !== undefined || tokenAddress !== undefined;
  const token = knownToken(ctx.network, { id: tokenId, address: tokenAddress });
  const to = str(p, 'destinationAddress');
  const fields: ApprovalField[] = [
    amount
      ? field('Amount', `${amount} ${isToken ? (token?.symbol ?? 'tokens') : 'NEAR'}`, {
          style: 'amount',
          hint: isToken ? `NEP-141 token ${token?.address ?? tokenAddress ?? tokenId}` : 'Native coin',
        })
      : warning('Amount', `No single amount: ${rawJson(p.amounts)}`),
    to ? address('To', to) : warning('To', 'The request names no recipient.'),
  ];
  if (isToken && !token)
    fields.push(
      warning('Unknown token', `This extension does not know ${tokenAddress ?? tokenId}: check it before approving.`),
    );
  fields.push(...networkField(ctx), ...walletField(ctx));
  return fields;
}

export function nearContractExecutionFields(p: Record<string, unknown>, ctx: ViewContext): ApprovalField[] {
  const contract = str(p, 'contractAddress') ?? '(none)';
  const method = (str(p, 'abiFunctionSignature') ?? '').replace(/\(.*$/s, '').trim();
  const params = Array.isArray(p.abiParameters) ? p.abiParameters : [];
  const args = params[0] ?? {};
  const amount = str(p, 'amount');
  const fields: ApprovalField[] = [
    address('Contract', contract),
    section(`Call ${method || '(no method)'}`, [
      field('Method', method || '(none)', { style: 'mono' }),
      field('Arguments', rawJson(args), { style: 'mono' }),
      field('Deposit', `${amount ?? '0'} NEAR`, { hint: 'Attached to the call' }),
    ]),
  ];
  if (params.length > 1)
    fields.push(
      warning(
        'Extra parameters',
        `Only one JSON argument object is sent: ${rawJson(params.slice(1))} would be ignored.`,
      ),
    );
  if (!method) fields.push(warning('No method', 'The request names no method to call.'));
  fields.push(...networkField(ctx), ...walletField(ctx));
  return fields;
}

const receiverField = (receiverId: string | undefined): ApprovalField =>
  address('Receiver', receiverId ?? '(unreadable)', 'The account the actions apply to');

function transactionFooter(
  t: { signerId?: string | undefined; publicKey?: string | undefined; nonce?: string | undefined },
  ctx: ViewContext,
): ApprovalField[] {
  const fields: ApprovalField[] = [...networkField(ctx)];
  if (t.signerId !== undefined)
    fields.push(address('Signer', t.signerId, t.signerId === ctx.walletAddress ? 'Your wallet' : undefined));
  if (ctx.walletAddress && t.signerId !== undefined && t.signerId !== ctx.walletAddress)
    fields.push(
      warning('Other signer', `The transaction is signed as ${t.signerId}, not as the wallet ${ctx.walletAddress}.`),
    );
  if (t.publicKey !== undefined) fields.push(field('Signing key', t.publicKey, { style: 'address' }));
  if (t.nonce !== undefined) fields.push(field('Nonce', t.nonce));
  return fields;
}

/** A relay-built (JSON) NEAR transaction. */
export function nearTransactionFields(tx: NearUnsignedTransaction, ctx: ViewContext): ApprovalField[] {
  const receiver = String(tx.receiverId);
  return [
    receiverField(tx.receiverId),
    ...actionsFields(Array.isArray(tx.actions) ? tx.actions : [], receiver, ctx),
    ...transactionFooter(tx, ctx),
  ];
}

function decodeBase64(raw: unknown): Uint8Array | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    return base64.decode(raw);
  } catch {
    return undefined;
  }
}

/** `sign/transaction` on NEAR: base64 borsh(Transaction). */
export function nearRawTransactionFields(raw: unknown, ctx: ViewContext): ApprovalField[] {
  const bytes = decodeBase64(raw);
  if (!bytes) return rawFallback('The transaction is not base64.', raw);
  const { value, problem } = decodeNearTransactionForDisplay(bytes);
  const fields = [
    receiverField(value.receiverId),
    ...actionsFields(value.actions, value.receiverId ?? '', ctx),
    ...transactionFooter(value, ctx),
  ];
  if (problem) fields.unshift(...rawFallback(`Only part of this transaction could be read: ${problem}.`, raw));
  return fields;
}

/** `sign/delegate-action`: base64 borsh(DelegateAction), NEP-366. */
export function nearDelegateActionFields(raw: unknown, ctx: ViewContext): ApprovalField[] {
  const bytes = decodeBase64(raw);
  if (!bytes) return rawFallback('The delegate action is not base64.', raw);
  const { value, problem } = decodeNearDelegateActionForDisplay(bytes);
  const fields: ApprovalField[] = [
    field('What this is', 'A delegate action', {
      hint: 'Someone else (a relayer) submits it and pays the gas; the actions run as your account.',
    }),
    ...delegateFields(value, ctx),
    ...networkField(ctx),
  ];
  if (ctx.walletAddress && value.senderId !== undefined && value.senderId !== ctx.walletAddress)
    fields.push(
      warning('Other sender', `The actions run as ${value.senderId}, not as the wallet ${ctx.walletAddress}.`),
    );
  if (problem) fields.unshift(...rawFallback(`Only part of this delegate action could be read: ${problem}.`, raw));
  return fields;
}
