import { Role } from './model.ts';

/**
 * The role a label names, across the formats: text labels (`Human`, `Assistant`), ShareGPT's
 * `from` values (`human`, `gpt`, `bing`, ...) and the roles of the chat APIs. Unknown labels give
 * `undefined`, so each format can decide what an unknown speaker means.
 */
export function roleOf(label: string): Role | undefined {
  return roleOfLowerCase(label) ?? roleOfLowerCase(label.trim().toLowerCase());
}

/**
 * The roles of labels trimmed and in lower case, which most labels in files are. A table rather than
 * a `switch`: one lookup, where each case of a `switch` is a comparison of its own that the
 * optimising compiler gives up on when a label it has not met yet (`developer`) first comes.
 */
const roles: ReadonlyMap<string, Role> = new Map([
  ...(['human', 'user', 'prompter'] as const).map((label) => [label, Role.user] as const),
  ...(['assistant', 'gpt', 'chatgpt', 'bing', 'bard', 'model', 'ai', 'bot'] as const).map((label) => [label, Role.assistant] as const),
  ['system', Role.system],
  ['developer', Role.developer],
  ...(['tool', 'function', 'function_call', 'ipython', 'observation'] as const).map((label) => [label, Role.tool] as const),
]);

function roleOfLowerCase(label: string): Role | undefined {
  return roles.get(label);
}
