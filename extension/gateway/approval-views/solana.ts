/**
 * Solana approvals: the transfer as asked for, and a transaction (relay-built or a dApp's message for
 * `sign/transaction`) instruction by instruction: System transfers in SOL, SPL Token transfers with
 * their mint and amount, approvals and authority changes flagged, and any program this wallet does
 * not know listed with its id, account count and data under a warning.
 */
import { base64 } from '@scure/base';
import { knownToken } from '../../../protocol/chains/networks.js';
import { decodeSolanaMessage, solanaMessageFromRaw } from '../../../protocol/chains/raw.js';
import { decodeSolanaInstruction } from '../../../protocol/chains/solana/instructions.js';
import type { SolanaInstruction, SolanaUnsignedTransaction } from '../../../protocol/chains/solana/transaction.js';
import {
  type ApprovalField,
  address,
  field,
  formatAmount,
  networkField,
  rawFallback,
  rawJson,
  section,
  str,
  type ViewContext,
  walletField,
  warning,
} from './common.js';

const SOL = { symbol: 'SOL', decimals: 9 };

export function solanaTransferFields(p: Record<string, unknown>, ctx: ViewContext): ApprovalField[] {
  const amounts = Array.isArray(p.amounts) ? p.amounts : [];
  const amount = typeof amounts[0] === 'string' ? amounts[0] : undefined;
  const tokenId = str(p, 'tokenId');
  const tokenAddress = str(p, 'tokenAddress');
  const isToken = tokenId !== undefined || tokenAddress !== undefined;
  const token = knownToken(ctx.network, { id: tokenId, address: tokenAddress });
  const to = str(p, 'destinationAddress');
  const fields: ApprovalField[] = [
    amount
      ? field('Amount', `${amount} ${isToken ? (token?.symbol ?? 'tokens') : 'SOL'}`, {
          style: 'amount',
          hint: isToken ? `SPL token, mint ${token?.address ?? tokenAddress ?? tokenId}` : 'Native coin',
        })
      : warning('Amount', `No single amount: ${rawJson(p.amounts)}`),
    to ? address('To', to) : warning('To', 'The request names no recipient.'),
  ];
  if (isToken && !token)
    fields.push(
      warning(
        'Unknown token',
        `This extension does not know the mint ${tokenAddress ?? tokenId}: check it before approving.`,
      ),
    );
  fields.push(...networkField(ctx), ...walletField(ctx));
  const level = str(p, 'feeLevel');
  if (level)
    fields.push(
      field('Network fee', level, { hint: 'Priority level; 0.000005 SOL per signature plus the priority fee.' }),
    );
  return fields;
}

function instructionSection(ix: SolanaInstruction, n: number, ctx: ViewContext): ApprovalField[] {
  const d = decodeSolanaInstruction(ix);
  const mintAsset = (mint: string, decimals: number) => ({
    symbol: knownToken(ctx.network, { address: mint })?.symbol ?? 'tokens',
    decimals,
  });
  switch (d.kind) {
    case 'system-transfer':
      return [
        section(`${n}. Send SOL`, [
          field('Amount', formatAmount(BigInt(d.lamports), SOL), { style: 'amount', hint: `${d.lamports} lamports` }),
          address('From', d.from),
          address('To', d.to),
        ]),
      ];
    case 'token-transfer-checked':
      return [
        section(
          `${n}. Send tokens`,
          [
            field('Amount', formatAmount(BigInt(d.amount), mintAsset(d.mint, d.decimals)), {
              style: 'amount',
              hint: `${d.amount} base units, ${d.decimals} decimals`,
            }),
            address(
              'Mint',
              d.mint,
              knownToken(ctx.network, { address: d.mint })?.symbol ?? 'A token this extension does not know',
            ),
            address('From token account', d.source),
            address('To token account', d.destination),
            address('Authorised by', d.owner),
          ],
          '',
          d.program,
        ),
      ];
    case 'token-transfer':
      return [
        section(
          `${n}. Send tokens`,
          [
            field('Amount', `${d.amount} base units`, { style: 'amount' }),
            warning(
              'Token not named',
              'This kind of transfer does not name its token (mint) or decimals; the amount is in the smallest units.',
            ),
            address('From token account', d.source),
            address('To token account', d.destination),
            address('Authorised by', d.owner),
          ],
          '',
          d.program,
        ),
      ];
    case 'token-approve':
      return [
        section(
          `${n}. Let another account spend tokens`,
          [
            warning(
              'Spending permission',
              `Lets ${d.delegate} move up to ${d.amount === '18446744073709551615' ? 'ALL (unlimited)' : `${d.amount} base units of`} the tokens in ${d.source} without asking you.`,
            ),
            address('Delegate', d.delegate),
            address('Token account', d.source),
            ...(d.mint ? [address('Mint', d.mint)] : []),
          ],
          '',
          d.program,
        ),
      ];
    case 'token-set-authority':
      return [
        section(
          `${n}. Change an account's authority`,
          [
            warning(
              'Authority change',
              d.newAuthority
                ? `Gives authority type ${d.authorityType} over ${d.account} to ${d.newAuthority}.`
                : `Removes authority type ${d.authorityType} of ${d.account} for good.`,
            ),
            address('Account', d.account),
          ],
          '',
          d.program,
        ),
      ];
    case 'token-close-account':
      return [
        section(
          `${n}. Close a token account`,
          [address('Account', d.account), address('Rent goes to', d.destination)],
          '',
          d.program,
        ),
      ];
    case 'create-token-account':
      return [
        section(
          `${n}. Create the recipient's token account`,
          [address('Owner', d.owner), address('Mint', d.mint), address('Paid by', d.payer)],
          '',
          d.idempotent ? 'Only if it does not exist yet' : undefined,
        ),
      ];
    case 'compute-unit-limit':
      return [field(`${n}. Compute limit`, `${d.units} units`)];
    case 'compute-unit-price':
      return [field(`${n}. Priority fee`, `${d.microLamports} micro-lamports per compute unit`)];
    case 'memo':
      return [field(`${n}. Memo`, d.text ?? d.data, { style: d.text === undefined ? 'mono' : 'text' })];
    case 'unknown':
      return [
        section(`${n}. Unknown program`, [
          warning(
            'Not decoded',
            `${d.reason}. It can do anything those accounts allow; approve only if you trust ${ctx.businessName}.`,
          ),
          address('Program', d.programId),
          field('Accounts', String(d.accountCount), { hint: 'Accounts the instruction may read or change' }),
          field('Data', d.data === '' ? '(none)' : d.data, { style: 'mono', hint: `${d.data.length / 2} bytes` }),
        ]),
      ];
  }
}

export function solanaInstructionsFields(
  feePayer: string,
  instructions: readonly SolanaInstruction[],
  ctx: ViewContext,
  extra: { lookupTableAccounts?: number; signers?: number } = {},
): ApprovalField[] {
  const fields: ApprovalField[] = instructions.flatMap((ix, i) => instructionSection(ix, i + 1, ctx));
  if (instructions.length === 0)
    fields.push(warning('No instructions', 'This transaction does nothing but pay the fee.'));
  if (extra.lookupTableAccounts)
    fields.push(
      warning(
        'Accounts not shown',
        `${extra.lookupTableAccounts} accounts come from address lookup tables and cannot be named offline.`,
      ),
    );
  fields.push(
    ...networkField(ctx),
    address('Fee payer', feePayer, feePayer === ctx.walletAddress ? 'Your wallet' : undefined),
  );
  if (ctx.walletAddress && feePayer !== ctx.walletAddress)
    fields.push(warning('Other fee payer', `The fee payer is ${feePayer}, not the wallet ${ctx.walletAddress}.`));
  if (extra.signers !== undefined && extra.signers > 1)
    fields.push(
      warning('Other signers', `This transaction needs ${extra.signers} signatures; yours is only one of them.`),
    );
  return fields;
}

export function solanaTransactionFields(tx: SolanaUnsignedTransaction, ctx: ViewContext): ApprovalField[] {
  return solanaInstructionsFields(String(tx.feePayer), Array.isArray(tx.instructions) ? tx.instructions : [], ctx);
}

/** `sign/transaction`: the dApp's base64 transaction or message, decoded as Node 2 decodes it. */
export function solanaRawTransactionFields(raw: string, ctx: ViewContext): ApprovalField[] {
  let message: ReturnType<typeof decodeSolanaMessage>;
  try {
    message = decodeSolanaMessage(solanaMessageFromRaw(raw));
  } catch (error) {
    let size = 'not base64';
    try {
      size = `${base64.decode(raw).length} bytes`;
    } catch {
      // keep "not base64"
    }
    return rawFallback(
      `This is not a Solana transaction this wallet can read (${(error as Error).message}; ${size}).`,
      raw,
    );
  }
  return [
    ...solanaInstructionsFields(message.accountKeys[0] ?? '', message.instructions, ctx, {
      lookupTableAccounts: message.lookupTableAccounts,
      signers: message.numRequiredSignatures,
    }),
    field('Format', message.version === 'legacy' ? 'Legacy transaction' : 'Versioned transaction (v0)'),
    ...walletField(ctx, 'Signed by'),
  ];
}
