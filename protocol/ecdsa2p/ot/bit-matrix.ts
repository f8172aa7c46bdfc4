/**
 * Bit-matrix helpers of the OT extension. Bit vectors are byte arrays with bit k at byte k>>>3,
 * position k&7 (least significant first). The extension works on λ_c columns of ℓ' bits (one per
 * base OT) and hands ℓ' rows of λ_c bits to the row hash, so the matrix is transposed once per run.
 */

/**
 * Transposes `columnCount` columns of `rowCount` bits (column-major, `rowCount / 8` bytes each) into
 * `rowCount` rows of `columnCount` bits (row-major). Works on 8×8 bit blocks with shifts and masks,
 * so the sequence of operations does not depend on the (secret) bits.
 */
export function transposeColumns(columns: Uint8Array, columnCount: number, rowCount: number): Uint8Array {
  const columnBytes = rowCount >>> 3;
  const rowBytes = columnCount >>> 3;
  const rows = new Uint8Array(rowCount * rowBytes);
  for (let cb = 0; cb < rowBytes; cb++) {
    for (let rb = 0; rb < columnBytes; rb++) {
      // Gather the 8×8 block: byte a = column 8cb+a, bits = rows 8rb..8rb+7.
      let lo = 0;
      let hi = 0;
      const base = 8 * cb * columnBytes + rb;
      lo |= columns[base] as number;
      lo |= (columns[base + columnBytes] as number) << 8;
      lo |= (columns[base + 2 * columnBytes] as number) << 16;
      lo |= (columns[base + 3 * columnBytes] as number) << 24;
      hi |= columns[base + 4 * columnBytes] as number;
      hi |= (columns[base + 5 * columnBytes] as number) << 8;
      hi |= (columns[base + 6 * columnBytes] as number) << 16;
      hi |= (columns[base + 7 * columnBytes] as number) << 24;
      // 8×8 bit transpose (Hacker's Delight §7-3, adapted to LSB-first bytes held in two words).
      let t = (lo ^ (lo >>> 7)) & 0x00aa00aa;
      lo = lo ^ t ^ (t << 7);
      t = (hi ^ (hi >>> 7)) & 0x00aa00aa;
      hi = hi ^ t ^ (t << 7);
      t = (lo ^ (lo >>> 14)) & 0x0000cccc;
      lo = lo ^ t ^ (t << 14);
      t = (hi ^ (hi >>> 14)) & 0x0000cccc;
      hi = hi ^ t ^ (t << 14);
      // Last step swaps 4×4 blocks across the two words: lo's high nibbles ↔ hi's low nibbles.
      t = (lo & 0x0f0f0f0f) | ((hi << 4) & 0xf0f0f0f0);
      hi = (hi & 0xf0f0f0f0) | ((lo >>> 4) & 0x0f0f0f0f);
      lo = t;
      // Byte b of (lo, hi) is now row 8rb+b restricted to columns 8cb..8cb+7.
      const rowBase = 8 * rb * rowBytes + cb;
      rows[rowBase] = lo & 0xff;
      rows[rowBase + rowBytes] = (lo >>> 8) & 0xff;
      rows[rowBase + 2 * rowBytes] = (lo >>> 16) & 0xff;
      rows[rowBase + 3 * rowBytes] = (lo >>> 24) & 0xff;
      rows[rowBase + 4 * rowBytes] = hi & 0xff;
      rows[rowBase + 5 * rowBytes] = (hi >>> 8) & 0xff;
      rows[rowBase + 6 * rowBytes] = (hi >>> 16) & 0xff;
      rows[rowBase + 7 * rowBytes] = (hi >>> 24) & 0xff;
    }
  }
  return rows;
}

/** Reference transposition, bit by bit (used by tests to check `transposeColumns`). */
export function transposeColumnsSlow(columns: Uint8Array, columnCount: number, rowCount: number): Uint8Array {
  const columnBytes = rowCount >>> 3;
  const rowBytes = columnCount >>> 3;
  const rows = new Uint8Array(rowCount * rowBytes);
  for (let i = 0; i < columnCount; i++) {
    for (let j = 0; j < rowCount; j++) {
      const bit = ((columns[i * columnBytes + (j >>> 3)] as number) >>> (j & 7)) & 1;
      rows[j * rowBytes + (i >>> 3)] = (rows[j * rowBytes + (i >>> 3)] as number) | (bit << (i & 7));
    }
  }
  return rows;
}

/** Bit k of a bit vector. */
export function getBit(bits: Uint8Array, k: number): number {
  return ((bits[k >>> 3] as number) >>> (k & 7)) & 1;
}
