/**
 * BIP-137 message signing ("Bitcoin Signed Message"), the format Planbok names for Bitcoin: the
 * digest is SHA-256d(varstr(magic) ‖ varstr(message)); the signature is base64 of a header byte
 * ‖ r ‖ s, where the header encodes the recovery id and the address type (BIP-137 table:
 * 27–30 P2PKH uncompressed, 31–34 P2PKH compressed, 35–38 P2SH-P2WPKH, 39–42 P2WPKH).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { base64 } from '@scure/base';
import { CompactSize } from '@scure/btc-signer';
import { InvalidArgumentError } from '../../errors.js';
import type { ChainSignature } from '../types.js';

const MAGIC = utf8ToBytes('Bitcoin Signed Message:\n');

function varstr(bytes: Uint8Array): Uint8Array {
  return concatBytes(CompactSize.encode(BigInt(bytes.length)), bytes);
}

export function bip137Digest(message: Uint8Array): Uint8Array {
  return sha256(sha256(concatBytes(varstr(MAGIC), varstr(message))));
}

/** Base64 BIP-137 signature for a P2WPKH address (header 39 + recovery id). */
export function bip137Signature(signature: ChainSignature): string {
  if (signature.scheme !== 'ecdsa-secp256k1')
    throw new InvalidArgumentError('signature.scheme', '"ecdsa-secp256k1"', signature.scheme);
  if (signature.recovery !== 0 && signature.recovery !== 1)
    throw new InvalidArgumentError('signature.recovery', '0 or 1', String(signature.recovery));
  const hex = (h: string, f: string) => {
    if (!/^[0-9a-f]{64}$/.test(h)) throw new InvalidArgumentError(f, '32 bytes of lower-case hex');
    return hexToBytes(h);
  };
  return base64.encode(
    concatBytes(
      Uint8Array.of(39 + signature.recovery),
      hex(signature.r, 'signature.r'),
      hex(signature.s, 'signature.s'),
    ),
  );
}
