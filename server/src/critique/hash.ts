/** The hash behind critique cache keys. */
import { createHash } from 'node:crypto';
import { critiqueCacheKey } from '../core/critique/cacheKey.ts';
import { buildCritiquePrompt } from '../core/critique/prompt.ts';
import type { CritiqueRequest } from './types.ts';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The cache key of a request (model, clauses, context, turn), or undefined when it cannot be built. */
export function cacheKeyOf(request: CritiqueRequest): string | undefined {
  const built = buildCritiquePrompt(request);
  return 'prompt' in built ? critiqueCacheKey(request.model, built.prompt, sha256) : undefined;
}
