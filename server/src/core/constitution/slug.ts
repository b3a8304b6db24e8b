/**
 * GitHub-style heading slugs, as github-slugger makes them: lowercase, punctuation removed except
 * `-` and `_`, each space a `-`; a slug already taken gets `-1`, `-2`, ... appended.
 */

/** Everything that is not a letter, a mark, a digit, a connector (`_`), a hyphen or a space goes. */
const removed = /[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu;

/** The slug of one heading's plain text, without making it unique. */
export function slugify(text: string): string {
  return text.toLowerCase().replace(removed, '').replace(/ /g, '-');
}

/** Hands out unique slugs for the headings of one document, in document order. */
export class Slugger {
  readonly #occurrences = new Map<string, number>();

  /** Marks an id as taken, so that later slugs step around it. */
  reserve(id: string): void {
    if (!this.#occurrences.has(id)) this.#occurrences.set(id, 0);
  }

  slug(text: string): string {
    const original = slugify(text) || 'section';
    let result = original;
    while (this.#occurrences.has(result)) {
      const n = (this.#occurrences.get(original) ?? 0) + 1;
      this.#occurrences.set(original, n);
      result = `${original}-${n}`;
    }
    this.#occurrences.set(result, 0);
    return result;
  }
}
