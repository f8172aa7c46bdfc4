/**
 * Bitcoin approvals: the transfer as asked for, and the relay-built transaction: every output with its
 * address and amount in BTC, change recognised by its address being the wallet's own (the relay's
 * `change` flag alone is not trusted), the fee recomputed as Σ inputs − Σ outputs, and the fee rate.
 */
import { formatUnits } from '../../../protocol/chains/amounts.js';
import { bitcoinOutputScript } from '../../../protocol/chains/bitcoin/address.js';
import { type BitcoinUnsignedTransaction, estimateBitcoinVsize } from '../../../protocol/chains/bitcoin/transaction.js';
import {
  type ApprovalField,
  address,
  field,
  formatAmount,
  networkField,
  rawJson,
  section,
  str,
  toBigInt,
  type ViewContext,
  walletField,
  warning,
} from './common.js';

const BTC = { symbol: 'BTC', decimals: 8 };

export function bitcoinTransferFields(p: Record<string, unknown>, ctx: ViewContext): ApprovalField[] {
  const amounts = Array.isArray(p.amounts) ? p.amounts : [];
  const amount = typeof amounts[0] === 'string' ? amounts[0] : undefined;
  const to = str(p, 'destinationAddress');
  const fields: ApprovalField[] = [
    amount
      ? field('Amount', `${amount} BTC`, { style: 'amount' })
      : warning('Amount', `No single amount: ${rawJson(p.amounts)}`),
    to ? address('To', to) : warning('To', 'The request names no recipient.'),
  ];
  if (str(p, 'tokenId') || str(p, 'tokenAddress'))
    fields.push(warning('Token on Bitcoin', 'Bitcoin has no tokens; this request cannot be carried out.'));
  fields.push(...networkField(ctx), ...walletField(ctx));
  const level = str(p, 'feeLevel');
  if (level)
    fields.push(
      field('Network fee', level, { hint: 'Fee level; the exact fee is fixed when the transaction is built.' }),
    );
  return fields;
}

export function bitcoinTransactionFields(tx: BitcoinUnsignedTransaction, ctx: ViewContext): ApprovalField[] {
  const wallet = ctx.walletAddress ?? tx.from;
  const outputs = Array.isArray(tx.outputs) ? tx.outputs : [];
  const inputs = Array.isArray(tx.inputs) ? tx.inputs : [];
  const fields: ApprovalField[] = [];
  let paid = 0n;
  let outTotal = 0n;
  const rows = outputs.map((o, i) => {
    const value = toBigInt(o?.value);
    const addr = String(o?.address);
    const own = addr === wallet;
    if (value !== undefined) outTotal += value;
    if (value !== undefined && !own) paid += value;
    const label = own
      ? `Change (back to your wallet)`
      : `Payment ${outputs.filter((x, j) => j <= i && String(x?.address) !== wallet).length}`;
    const children = [
      address('Address', addr, own ? 'Your wallet' : undefined),
      value === undefined
        ? warning('Amount', `Unreadable amount ${rawJson(o?.value)}`)
        : field('Amount', formatAmount(value, BTC), { style: 'amount', hint: `${value} sat` }),
    ];
    if (o?.change === true && !own)
      children.push(
        warning('Marked as change', 'The transaction calls this change, but it does not go back to your wallet.'),
      );
    return section(label, children);
  });
  fields.push(
    field('Total sent', formatAmount(paid, BTC), { style: 'amount', hint: 'Sum of the payments, change excluded' }),
  );
  fields.push(...rows);
  let inTotal = 0n;
  let inputsReadable = true;
  for (const input of inputs) {
    const v = toBigInt(input?.value);
    if (v === undefined) inputsReadable = false;
    else inTotal += v;
  }
  const stated = toBigInt(tx.fee);
  const fee = inputsReadable ? inTotal - outTotal : stated;
  if (fee === undefined) fields.push(warning('Network fee', `Unreadable fee ${rawJson(tx.fee)}`));
  else {
    let vsize: number | undefined;
    try {
      vsize = estimateBitcoinVsize(
        inputs.length,
        tx.addressType,
        outputs.map((o) => bitcoinOutputScript(String(o.address), tx.network)),
      );
    } catch {
      vsize = undefined;
    }
    const rate = vsize ? ` ≈ ${formatUnits((fee * 100n) / BigInt(vsize), 2)} sat/vB over ~${vsize} vB` : '';
    fields.push(
      field('Network fee', formatAmount(fee, BTC), {
        style: 'amount',
        hint: `${fee} sat; fee rate ${tx.feeRate} sat/vB${rate ? `,${rate}` : ''}`,
      }),
    );
    if (stated !== undefined && stated !== fee)
      fields.push(
        warning(
          'Fee mismatch',
          `The transaction states a fee of ${stated} sat, but its inputs minus outputs leave ${fee} sat.`,
        ),
      );
    if (fee < 0n) fields.push(warning('Impossible fee', 'The outputs spend more than the inputs hold.'));
    if (paid > 0n && fee * 10n > paid)
      fields.push(warning('High fee', 'The fee is more than a tenth of the amount sent.'));
  }
  fields.push(
    ...networkField(ctx),
    address('From', tx.from, `Your wallet; ${inputs.length} coin${inputs.length === 1 ? '' : 's'} spent`),
  );
  if (ctx.walletAddress && tx.from !== ctx.walletAddress)
    fields.push(
      warning('Other sender', `The transaction spends from ${tx.from}, not from the wallet ${ctx.walletAddress}.`),
    );
  return fields;
}
