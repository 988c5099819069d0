// The round a staff page's address names, for every route under a round (its outcomes, its statement).
import type { Response } from 'express';
import type { Db } from '../../database';
import { NotFound } from '../../http/errors';
import { say } from '../../http/language';
import { findRoundBySlug, type Round } from './rounds.repository';

/** The round at `slug`, or a 404 said in the page's language. */
export async function roundOr404(db: Db, slug: string, res: Response): Promise<Round> {
  const round = await findRoundBySlug(db, slug);
  if (!round) throw new NotFound(say(res, 'rounds.notFound'));
  return round;
}
