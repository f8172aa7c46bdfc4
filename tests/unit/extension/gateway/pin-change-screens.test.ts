import { describe, expect, it } from 'vitest';
import { kitCodeError } from '../../../../extension/gateway/pin-change-screens.js';
import { generateRecoveryKitCode } from '../../../../protocol/pin/recovery-kit.js';
import { createSeededRng } from '../../../../protocol/rng.js';

const code = generateRecoveryKitCode(createSeededRng('kit-screen'));

describe('what the kit screen says about a typed code', () => {
  it('accepts the code in lower case, with spaces instead of hyphens', () => {
    expect(kitCodeError(code.toLowerCase().replaceAll('-', ' '))).toBeUndefined();
  });

  it('calls a swapped pair a typo and names the look-alike characters', () => {
    expect(kitCodeError(`${code[1]}${code[0]}${code.slice(2)}`)).toMatch(/typo.*0 and O, 1 and I/);
  });

  it('says how many characters a code has', () => {
    expect(kitCodeError(code.slice(0, -1))).toBe('A kit code has 28 characters in seven groups of four; this has 27.');
  });

  it('names a character that is not in the kit alphabet', () => {
    expect(kitCodeError(`U${code.slice(1)}`)).toMatch(
      /^Character 1 is not one of the kit's letters.*except I, L, O and U/,
    );
  });
});
