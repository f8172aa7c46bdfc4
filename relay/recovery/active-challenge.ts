/**
 * The Gateway's JSON API has no API key: the challenge id (a random UUID the business handed to the user)
 * is the capability, and only while the challenge is pending or in progress and not expired.
 */

import { type Challenge, type ChallengeKind, ChallengeUnavailableError, getChallenge } from '../challenges/store.js';
import type { Queryable } from '../db/database.js';

export async function requireActiveChallenge(
  db: Queryable,
  id: string,
  kinds: readonly ChallengeKind[],
): Promise<Challenge> {
  const challenge = await getChallenge(db, id);
  if (!challenge) throw new ChallengeUnavailableError('unknown', id, 'does not exist');
  if (!kinds.includes(challenge.kind)) {
    throw new ChallengeUnavailableError(
      'wrong_kind',
      id,
      `is a ${challenge.kind} challenge, not ${kinds.join(' or ')}`,
    );
  }
  if (challenge.status === 'expired' || Date.parse(challenge.expiresAt) <= Date.now()) {
    throw new ChallengeUnavailableError('expired', id, `expired at ${challenge.expiresAt}`);
  }
  if (challenge.status !== 'pending' && challenge.status !== 'in_progress') {
    throw new ChallengeUnavailableError('already_used', id, `was already used (status ${challenge.status})`);
  }
  return challenge;
}
