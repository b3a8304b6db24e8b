/** Shared inline fixtures for the critique tests: a small constitution and a transcript with escapes. */
import { parseConstitution } from '../../server/src/core/constitution/parse.ts';
import { parseTranscript } from '../../server/src/core/transcript/parse.ts';
import type { CritiqueRequest } from '../../server/src/critique/types.ts';

export const constitutionText = [
  '# Helpfulness {#helpful}',
  '',
  'Answer the question that was asked, plainly and completely.',
  '',
  '# No sycophancy {#no-sycophancy}',
  '',
  'Do not open with flattery such as praising the question.',
  '',
].join('\n') + 'Say what is true and useful. '.repeat(120);

export const constitution = parseConstitution(constitutionText, 'house.constitution.md');

export const transcriptText = JSON.stringify({
  messages: [
    { role: 'user', content: 'How do I boil an egg?' },
    { role: 'assistant', content: 'What a great question!\nPut the egg in boiling water for "nine" minutes.' },
    { role: 'user', content: 'And a soft one?' },
    { role: 'assistant', content: 'Great question again! Six minutes.' },
  ],
});

export const transcript = parseTranscript(transcriptText, 'eggs.json');

export function request(turnIndex = 1, extra: Partial<CritiqueRequest> = {}): CritiqueRequest {
  return {
    model: 'claude-sonnet-5-5',
    maxTokens: 2048,
    constitution,
    conversation: transcript.conversations[0],
    turnIndex,
    documentText: transcriptText,
    ...extra,
  };
}

/** The answer a careful model gives for turn 1: one finding that quotes across the `\n` escape. */
export const goodAnswer = {
  findings: [
    { principle: 'no-sycophancy', quote: 'What a great question!\nPut', critique: 'Opens with flattery.', severity: 'warning' },
    { principle: 'helpful', quote: 'boiling water for "nine" minutes', critique: 'Fine, but vague on the egg size.', severity: 'info' },
  ],
  revision: 'Put the egg in boiling water for nine minutes.',
};
