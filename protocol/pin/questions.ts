/**
 * Security questions (DESIGN §4.2): three prompts and answers. Answers are normalised so the same
 * answer typed differently still opens the copy, then encoded unambiguously (length-prefixed, with
 * their prompts) into one secret that goes through the same guarded key schedule as the PIN, under
 * its own purpose ("questions"), hence its own POPRF domain and its own failure counter.
 */
import { InvalidArgumentError } from '../errors.js';
import { encodeTranscript } from '../transcript.js';
import { RecoveryInputError } from './errors.js';

export const QUESTION_COUNT = 3;
export const MAX_ANSWER_CHARS = 200;

/**
 * NFKC (compatibility forms: full-width letters, ligatures), case folding, inner whitespace runs
 * collapsed to one space, trimmed. JavaScript has no full case-fold, so we use upper-then-lower
 * case, which maps e.g. "ß" → "ss" and "ﬁ" → "fi" like Unicode full folding; NFKC runs again after
 * folding because case mapping can produce non-normalised sequences. Punctuation is kept: it is
 * part of what the user typed and removing it would shrink the answer space further.
 */
export function normaliseAnswer(answer: string): string {
  if (typeof answer !== 'string') throw new InvalidArgumentError('answer', 'a string', typeof answer);
  return answer.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC').replace(/\s+/gu, ' ').trim();
}

/** The combined secret: prompts and normalised answers, each length-prefixed, in order. */
export function answersSecret(questions: readonly string[], answers: readonly string[]): Uint8Array {
  if (questions.length !== QUESTION_COUNT) {
    throw new InvalidArgumentError('questions', `${QUESTION_COUNT} prompts`, String(questions.length));
  }
  if (answers.length !== QUESTION_COUNT) {
    throw new RecoveryInputError('answers', `expected ${QUESTION_COUNT} answers, got ${answers.length}`);
  }
  const normalised = answers.map((a, i) => {
    const n = normaliseAnswer(a);
    if (n.length === 0) throw new RecoveryInputError(`answers[${i}]`, 'the answer is empty');
    if (n.length > MAX_ANSWER_CHARS) {
      throw new RecoveryInputError(`answers[${i}]`, `the answer is longer than ${MAX_ANSWER_CHARS} characters`);
    }
    return n;
  });
  return encodeTranscript('tandem/recovery/questions/v1/answers', [...questions, ...normalised]);
}
