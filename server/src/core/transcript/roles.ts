import type { Role } from './model.ts';

/**
 * The role a label names, across the formats: text labels (`Human`, `Assistant`), ShareGPT's
 * `from` values (`human`, `gpt`, `bing`, ...) and the roles of the chat APIs. Unknown labels give
 * `undefined`, so each format can decide what an unknown speaker means.
 */
export function roleOf(label: string): Role | undefined {
  return roleOfLowerCase(label) ?? roleOfLowerCase(label.trim().toLowerCase());
}

/** The role of a label already trimmed and in lower case, which most labels in files are. */
function roleOfLowerCase(label: string): Role | undefined {
  switch (label) {
    case 'human':
    case 'user':
    case 'prompter':
      return 'user';
    case 'assistant':
    case 'gpt':
    case 'chatgpt':
    case 'bing':
    case 'bard':
    case 'model':
    case 'ai':
    case 'bot':
      return 'assistant';
    case 'system':
      return 'system';
    case 'developer':
      return 'developer';
    case 'tool':
    case 'function':
    case 'function_call':
    case 'ipython':
    case 'observation':
      return 'tool';
    default:
      return undefined;
  }
}
