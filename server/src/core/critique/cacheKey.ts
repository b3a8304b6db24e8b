/**
 * The key critique results are cached under: a hash of the model and of everything the prompt sends
 * (the instructions and clauses, the context turns, the turn under critique). Any change to one of
 * them is a different critique; anything else (max tokens, the endpoint) is not.
 */
import { promptVersion, type CritiquePrompt } from './prompt.ts';

/** Hashes a string to a hex digest; the caller brings one (sha256 in `server/src/critique/`). */
export type HashFunction = (text: string) => string;

export function critiqueCacheKey(model: string, prompt: CritiquePrompt, hash: HashFunction): string {
  const material = JSON.stringify({
    v: promptVersion,
    model,
    system: prompt.system.map((b) => b.text),
    content: prompt.messages[0].content.map((b) => b.text),
  });
  return hash(material);
}
