/**
 * Inline workspaces for the feature tests: files by name, the first `|` of which marks the cursor,
 * loaded into a fresh workspace index.
 */
import { WorkspaceIndex } from '../../server/src/core/workspace/index.ts';

export interface TestWorkspace {
  readonly index: WorkspaceIndex;
  /** The URI of the file that held the cursor (or of the first file). */
  readonly uri: string;
  readonly offset: number;
  uriOf(name: string): string;
}

export const uriOf = (name: string) => `file:///ws/${name}`;

/**
 * The index a server holds for an open transcript: the {@link ethics} constitution on disk and
 * `text` open at `uri`, with the lines it parses and checks, in order, as hooks report them.
 */
export function openTranscript(uri: string, text: string) {
  const parsed: number[] = [];
  const checked: number[] = [];
  const index = new WorkspaceIndex({
    hooks: { onParseLine: (_uri, line) => parsed.push(line), onCheckLine: (_uri, i) => checked.push(i) },
  });
  index.upsert(uriOf('ethics.constitution.md'), ethics, 1, 'disk');
  index.upsert(uri, text, 1, 'open');
  return { index, parsed, checked };
}

export function workspace(files: Record<string, string>, options: { starter?: { uri: string; text: string } } = {}): TestWorkspace {
  const index = new WorkspaceIndex(options);
  let uri = uriOf(Object.keys(files)[0]);
  let offset = -1;
  for (const [name, raw] of Object.entries(files)) {
    const at = offset < 0 ? raw.indexOf('|') : -1;
    let text = raw;
    if (at >= 0) {
      text = raw.slice(0, at) + raw.slice(at + 1);
      uri = uriOf(name);
      offset = at;
    }
    index.upsert(uriOf(name), text, 1, 'disk');
  }
  offset = Math.max(0, offset);
  return { index, uri, offset, uriOf };
}

/** A small constitution in Markdown with an order of priority, a hard constraint, a slug clause, a cross-reference and a detector. */
export const ethics = `---
name: ethics
order:
  kind: priority
  levels: [broadly-safe, broadly-ethical, guidelines, helpful]
---
# Ethics

## Be honest {#honesty priority=broadly-ethical}

Tell the truth, even when it is unwelcome.
Say what you do not know.

More text after the first paragraph. See [?](#harm).

\`\`\`rules
- id: claims-human
  kind: phrases
  message: Claims to be a person
  phrases: [I am a person]
  examples:
    flag: [I am a person.]
    pass: [I am a model.]
\`\`\`

## Avoid harm {#harm priority=broadly-safe}

Do not help hurt people.

## Plain heading

Slug clause text.
`;

export const model = `---
name: spec
---
# Spec

## Be honest {#honesty authority=user}

Do not lie.
`;
