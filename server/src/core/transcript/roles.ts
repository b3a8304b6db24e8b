import type { Role } from './model.ts';

/**
 * The role a label names, across the formats: text labels (`Human`, `Assistant`), ShareGPT's
 * `from` values (`human`, `gpt`, `bing`, ...) and the roles of the chat APIs. Unknown labels give
 * `undefined`, so each format can decide what an unknown speaker means.
 */
export function roleOf(label: string): Role | undefined {
  return roleOfLowerCase(label) ?? roleOfLowerCase(label.trim().toLowerCase());
}

/** The labels of each role, trimmed and in lower case, which most labels in files are. */
const labels: Readonly<Record<Role, readonly string[]>> = {
  user: ['human', 'user', 'prompter'],
  assistant: ['assistant', 'gpt', 'chatgpt', 'bing', 'bard', 'model', 'ai', 'bot'],
  system: ['system'],
  developer: ['developer'],
  tool: ['tool', 'function', 'function_call', 'ipython', 'observation'],
};

/**
 * The role of each label. A lookup rather than a `switch`: each case of a `switch` is a comparison
 * of its own, which the optimising compiler gives up on when a label it has not met yet
 * (`developer`) first comes.
 */
const roles: ReadonlyMap<string, Role> = new Map(
  Object.entries(labels).flatMap(([role, names]) => names.map((name) => [name, role as Role] as const)),
);

function roleOfLowerCase(label: string): Role | undefined {
  return roles.get(label);
}
