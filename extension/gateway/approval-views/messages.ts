/**
 * `sign/message`: the exact bytes the wallet signs, as text when they are readable UTF-8 and as hex
 * otherwise, with the scheme each chain uses. The bytes are derived the way Node 2 derives them
 * (relay/chains/challenge-signing.ts): `encodedByHex` means hex bytes; on EVM a `0x…` message is
 * bytes even without it (EIP-191 `personal_sign` convention, `evmMessageBytes`).
 */
import { hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { evmMessageBytes } from '../../../protocol/chains/evm/messages.js';
import { decodeSolanaMessage } from '../../../protocol/chains/raw.js';
import type { ChainFamily } from '../../../protocol/chains/types.js';
import {
  type ApprovalField,
  bytesToHex0x,
  field,
  networkField,
  rawFallback,
  readableText,
  str,
  type ViewContext,
  walletField,
  warning,
} from './common.js';

const SCHEMES: Record<ChainFamily, string> = {
  evm: 'Ethereum signed message (EIP-191 personal_sign)',
  bitcoin: 'Bitcoin signed message (BIP-137)',
  solana: 'Solana off-chain message: the raw bytes are signed',
  near: 'NEAR message: the raw bytes are signed',
};

/** The bytes a sign-message challenge signs, or a reason why there are none. */
export function messageBytesOf(p: Record<string, unknown>, family: ChainFamily | undefined): Uint8Array | string {
  const message = typeof p.message === 'string' ? p.message : undefined;
  if (message === undefined || message === '') return 'The request has no message.';
  if (p.encodedByHex === true) {
    const hex = message.startsWith('0x') ? message.slice(2) : message;
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) return 'The message is marked as hex but is not hex.';
    return hexToBytes(hex.toLowerCase());
  }
  return family === 'evm' ? evmMessageBytes(message) : utf8ToBytes(message);
}

/** Text when readable, hex otherwise. */
export function bytesFields(label: string, bytes: Uint8Array): ApprovalField[] {
  const text = readableText(bytes);
  if (text !== undefined && text.length > 0) return [field(label, text, { hint: `${bytes.length} bytes of text` })];
  return [
    field(`${label} (hex)`, bytesToHex0x(bytes), { style: 'mono', hint: `${bytes.length} bytes` }),
    warning('Not readable text', 'These bytes are not plain text. Sign them only if you know what they are for.'),
  ];
}

export function signMessageFields(
  p: Record<string, unknown>,
  family: ChainFamily | undefined,
  ctx: ViewContext,
): ApprovalField[] {
  const bytes = messageBytesOf(p, family);
  if (typeof bytes === 'string') return rawFallback(bytes, p.message);
  const fields = bytesFields('Message', bytes);
  if (
    family === 'evm' &&
    p.encodedByHex !== true &&
    typeof p.message === 'string' &&
    p.message.startsWith('0x') &&
    bytes.length > 0
  )
    fields.push(
      field('Encoding', 'Hex bytes', {
        hint: 'A 0x… message is signed as the bytes it spells, as personal_sign does.',
      }),
    );
  if (family === 'solana') {
    try {
      decodeSolanaMessage(bytes);
      fields.push(
        warning(
          'Looks like a transaction',
          'These bytes are a Solana transaction message; signing them as a message is refused.',
        ),
      );
    } catch {
      // an ordinary message
    }
  }
  if (family === 'near' && bytes.length === 32)
    fields.push(
      warning('Looks like a hash', 'A 32-byte NEAR message could be a transaction hash; signing it is refused.'),
    );
  if (family === 'evm' && bytes.length === 32 && readableText(bytes) === undefined)
    fields.push(
      warning(
        'Looks like a hash',
        'This is 32 bytes of binary data, like a hash. Sign it only if you know what it authorises.',
      ),
    );
  fields.push(field('Signature type', family ? SCHEMES[family] : 'Unknown chain'));
  const memo = str(p, 'memo');
  if (memo) fields.push(field('Note', memo, { hint: `From ${ctx.businessName}; not part of what you sign` }));
  fields.push(...networkField(ctx), ...walletField(ctx, 'Signed by'));
  return fields;
}
