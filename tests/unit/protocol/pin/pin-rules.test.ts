import { describe, expect, it } from 'vitest';
import { WeakPinError, type WeakPinReason } from '../../../../protocol/pin/errors.js';
import { assertAcceptablePin, isAcceptablePin } from '../../../../protocol/pin/pin-rules.js';

function reasonFor(pin: string): WeakPinReason | 'accepted' {
  try {
    assertAcceptablePin(pin);
    return 'accepted';
  } catch (error) {
    expect(error).toBeInstanceOf(WeakPinError);
    expect((error as WeakPinError).message).toMatch(/^PIN refused \(/);
    return (error as WeakPinError).reason;
  }
}

describe('PIN rules', () => {
  it('accepts ordinary six-digit PINs', () => {
    for (const pin of ['482915', '730164', '905372', '318640']) expect(reasonFor(pin)).toBe('accepted');
  });

  it('refuses anything that is not exactly six ASCII digits', () => {
    for (const pin of ['', '12345', '1234567', '12a456', ' 48291', '４８２９１５', '٤٨٢٩١٥', '48291\n']) {
      expect(reasonFor(pin)).toBe('not-six-digits');
    }
    expect(reasonFor(482915 as unknown as string)).toBe('not-six-digits');
  });

  it('refuses all-same digits', () => {
    for (let d = 0; d <= 9; d++) expect(reasonFor(String(d).repeat(6))).toBe('all-same');
  });

  it('refuses ascending and descending runs, including wrap-around and steps of two', () => {
    for (const pin of [
      '123456',
      '012345',
      '456789',
      '890123',
      '654321',
      '987654',
      '210987',
      '135791',
      '024680',
      '864208',
    ]) {
      expect(reasonFor(pin)).toBe('sequence');
    }
  });

  it('refuses repeated groups (ababab, abcabc), doubled pairs and two runs of three', () => {
    for (const pin of ['121212', '696969', '123123', '520520', '112233', '001122', '111222', '777000']) {
      expect(reasonFor(pin)).toBe('repeated-pattern');
    }
  });

  it('refuses mirrored PINs', () => {
    for (const pin of ['123321', '908809']) expect(reasonFor(pin)).toBe('mirrored');
  });

  it('refuses keypad shapes', () => {
    for (const pin of ['147258', '159753', '789456']) expect(reasonFor(pin)).toBe('keypad-pattern');
  });

  it('refuses common PINs from frequency lists', () => {
    for (const pin of ['102030', '112358', '314159']) expect(reasonFor(pin)).toBe('common');
  });

  it('refuses dates in DDMMYY, MMDDYY and YYMMDD, and says which', () => {
    expect(reasonFor('250390')).toBe('date-like');
    expect(() => assertAcceptablePin('250390')).toThrow(/DDMMYY/);
    expect(() => assertAcceptablePin('122590')).toThrow(/MMDDYY/);
    expect(() => assertAcceptablePin('901225')).toThrow(/YYMMDD/);
    // Not a date: day 32, month 13, Feb 30.
    expect(reasonFor('321390')).toBe('accepted');
    expect(reasonFor('301399')).toBe('accepted');
    expect(reasonFor('300290')).toBe('accepted');
  });

  it('refuses only about 9% of all PINs (the rules must not make choosing a PIN a chore)', () => {
    let refused = 0;
    for (let i = 0; i < 1_000_000; i++) if (!isAcceptablePin(String(i).padStart(6, '0'))) refused++;
    expect(refused / 1_000_000).toBeGreaterThan(0.05);
    expect(refused / 1_000_000).toBeLessThan(0.1);
  });
});
