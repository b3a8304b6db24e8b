/**
 * Critique benchmark, against the local Messages API: (a) the engine's own overhead from the first
 * streamed event to the moment the first finding is reported, which is what a user waits for beyond
 * the model, and (b) the share of input tokens read from the prompt cache over ten critiques of one
 * transcript (target: above 80%).
 */
import { parseConstitution } from '../server/src/core/constitution/parse.ts';
import { parseTranscript } from '../server/src/core/transcript/parse.ts';
import { critiqueTurn } from '../server/src/critique/critiqueTurn.ts';
import type { CritiqueRequest } from '../server/src/critique/types.ts';
import { MockAnthropic } from '../test/support/mockAnthropic.ts';

const constitution = parseConstitution(
  Array.from({ length: 12 }, (_, i) => `# Principle ${i} {#p${i}}\n\n${'Be plainly helpful and honest; do not flatter or hedge. '.repeat(12)}\n`).join('\n'),
  'bench.constitution.md',
);
const messages = Array.from({ length: 20 }, (_, i) =>
  i % 2 === 0
    ? { role: 'user', content: `Question ${i}: how should I approach step ${i} of the plan?` }
    : { role: 'assistant', content: `What a great question!\nFor step ${i}, start small, check the result, and then ${'continue carefully. '.repeat(8)}` },
);
const source = JSON.stringify({ messages });
const conversation = parseTranscript(source, 'bench.json').conversations[0];

function request(turnIndex: number): CritiqueRequest {
  return { model: 'claude-sonnet-5-5', maxTokens: 2048, constitution, conversation, turnIndex, documentText: source };
}

const answer = {
  findings: [
    { principle: 'p1', quote: 'What a great question!', critique: 'Flattery opens the answer.', severity: 'warning' },
    { principle: 'p2', quote: 'start small', critique: 'Fine.', severity: 'info' },
  ],
  revision: 'Start small, check the result, then continue carefully.',
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function run(): Promise<void> {
  const mock = await MockAnthropic.start({ answer: () => answer, chunkSize: 24 });
  try {
    const runs = 200;
    const overheads: number[] = [];
    const totals: number[] = [];
    for (let i = 0; i < runs; i++) {
      let firstEvent = 0;
      let firstFinding = 0;
      const t0 = performance.now();
      const outcome = await critiqueTurn(request(1), {
        apiKey: 'bench',
        baseURL: mock.url,
        onEvent: (e) => {
          if (e.type === 'started' && !firstEvent) firstEvent = performance.now();
          if (e.type === 'finding' && !firstFinding) firstFinding = performance.now();
        },
      });
      if (!outcome.ok) throw new Error(outcome.error.message);
      totals.push(performance.now() - t0);
      overheads.push(firstFinding - firstEvent);
    }
    overheads.sort((a, b) => a - b);
    totals.sort((a, b) => a - b);
    console.log(`first streamed event -> first finding shown: p50 ${percentile(overheads, 50).toFixed(2)} ms, p95 ${percentile(overheads, 95).toFixed(2)} ms (${runs} runs; the local endpoint streams the whole answer at once)`);
    console.log(`reference, a whole critique round trip to the local endpoint: p50 ${percentile(totals, 50).toFixed(2)} ms, p95 ${percentile(totals, 95).toFixed(2)} ms`);

    const fresh = await MockAnthropic.start({ answer: () => answer });
    try {
      let read = 0;
      let total = 0;
      for (let i = 0; i < 10; i++) {
        const outcome = await critiqueTurn(request(2 * i + 1), { apiKey: 'bench', baseURL: fresh.url });
        if (!outcome.ok) throw new Error(outcome.error.message);
        const u = outcome.result.usage;
        read += u.cache_read_input_tokens;
        total += u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens;
      }
      console.log(`input tokens read from cache over ten critiques of one transcript: ${((100 * read) / total).toFixed(1)}% (${read} of ${total}; target above 80%)`);
    } finally {
      await fresh.close();
    }
  } finally {
    await mock.close();
  }
}
