/**
 * Critique benchmark, against the local Messages API: (a) the engine's own overhead from the first
 * streamed event to the moment the first finding is reported, which is what a user waits for beyond
 * the model; (b) the panel's own overhead, from each streamed event reaching the extension's code to
 * the webview showing it: the panel's event handling (`panelStep`), the message, and the real webview
 * script (dist/media/panel.js) rendering it into Chromium's DOM; and (c) the share of input tokens read
 * from the prompt cache over ten critiques of one transcript (target: above 80%).
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { panelStep } from '../client/src/critique/panelEvents.ts';
import type { PanelState, ToWebview } from '../client/src/webviewMessages.ts';
import { launchChromium } from '../scripts/e2e/browser.ts';
import { turnText } from '../server/src/core/transcript/model.ts';
import { parseConstitution } from '../server/src/core/constitution/parse.ts';
import { parseTranscript } from '../server/src/core/transcript/parse.ts';
import { critiqueTurn, type CritiqueRequest } from '../server/src/critique/index.ts';
import { MockAnthropic } from '../test/support/mockAnthropic.ts';
import { percentile } from './stats.ts';

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
    console.log(`first streamed event -> first finding shown: p50 ${percentile(overheads, 0.5).toFixed(2)} ms, p95 ${percentile(overheads, 0.95).toFixed(2)} ms (${runs} runs; the local endpoint streams the whole answer at once)`);
    console.log(`reference, a whole critique round trip to the local endpoint: p50 ${percentile(totals, 0.5).toFixed(2)} ms, p95 ${percentile(totals, 0.95).toFixed(2)} ms`);

    await panelOverhead(mock);

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

/** Milliseconds since the epoch, with the monotonic clock's resolution; Chromium's page has the same. */
function now(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * The page's clock minus this process's, from the exchange with the shortest round trip: both are
 * wall-clock based, and the correction keeps a drift between the processes out of the figures.
 */
async function clockOffset(page: Page): Promise<{ offset: number; roundTrip: number }> {
  let best = { offset: 0, roundTrip: Infinity };
  for (let i = 0; i < 50; i++) {
    const sent = now();
    const there = await page.evaluate(() => performance.timeOrigin + performance.now());
    const back = now();
    if (back - sent < best.roundTrip) best = { offset: there - (sent + back) / 2, roundTrip: back - sent };
  }
  return best;
}

/** A message to the webview, numbered so that the page can say when it showed it. */
type Numbered = ToWebview & { seq: number };

async function panelOverhead(mock: MockAnthropic): Promise<void> {
  let browser;
  try {
    browser = await launchChromium();
  } catch (e) {
    console.log(`panel overhead: not measured, Chromium did not start (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
    return;
  }
  try {
    const page = await browser.newPage();
    const css = readFileSync('media/panel.css', 'utf8');
    await page.setContent(`<!DOCTYPE html><html><head><style>${css}</style></head><body><main id="root"></main></body></html>`);
    await page.addScriptTag({ content: 'window.acquireVsCodeApi = () => ({ postMessage() {}, getState() { return undefined; }, setState() {} });' });
    await page.addScriptTag({ path: 'dist/media/panel.js' });
    // Listeners run in the order they were added, so this one runs once the panel's has changed the DOM;
    // reading the layout makes the time include the layout the change needs.
    await page.addScriptTag({
      content: `window.shown = []; window.addEventListener('message', (e) => { document.body.offsetHeight; window.shown.push([e.data.seq, performance.timeOrigin + performance.now()]); });`,
    });
    const { offset, roundTrip } = await clockOffset(page);

    const turnIndex = 1;
    const turn = conversation.turns[turnIndex];
    const firsts: number[] = [];
    const all: number[] = [];
    const references: number[] = [];
    const runs = 100;
    for (let run = 0; run < runs; run++) {
      let state: PanelState = {
        phase: 'streaming',
        runId: run + 1,
        documentUri: 'file:///bench.json',
        documentVersion: 1,
        subject: 'Turn 2 (assistant), bench.json',
        conversationIndex: 0,
        turnIndex,
        constitutionName: constitution.name,
        model: 'claude-sonnet-5-5',
        progressText: '',
        findings: [],
        dropped: [],
        original: turnText(turn),
        replace: [],
        jsonEncoded: true,
      };
      const arrived = new Map<number, number>();
      const posted: Promise<unknown>[] = [];
      let written = 0;
      let firstSeq = -1;
      mock.onStreamWrite = (event) => {
        if (event === 'message_start') written = now();
      };
      const outcome = await critiqueTurn(request(turnIndex), {
        apiKey: 'bench',
        baseURL: mock.url,
        onEvent: (event) => {
          const at = now();
          if (event.type === 'started') references.push(at - written);
          const step = panelStep(state, event, turn, constitution);
          state = step.state;
          if (!step.message) return;
          const seq = arrived.size;
          if (firstSeq < 0) firstSeq = seq;
          arrived.set(seq, at);
          const message: Numbered = { ...step.message, seq };
          posted.push(page.evaluate((m) => window.postMessage(m, '*'), message));
        },
      });
      if (!outcome.ok) throw new Error(outcome.error.message);
      await Promise.all(posted);
      const shown = await page.evaluate(() => (window as unknown as { shown: [number, number][] }).shown.splice(0));
      if (shown.length !== arrived.size) throw new Error(`the page showed ${shown.length} of ${arrived.size} messages`);
      for (const [seq, at] of shown) {
        const ms = at - offset - arrived.get(seq)!;
        all.push(ms);
        if (seq === firstSeq) firsts.push(ms);
      }
    }
    mock.onStreamWrite = undefined;
    const text = await page.locator('pre.revised').innerText();
    if (!text.includes('Start small')) throw new Error('the panel did not show the revision');
    const p = (list: number[]) => `p50 ${percentile(list, 0.5).toFixed(2)} ms, p95 ${percentile(list, 0.95).toFixed(2)} ms`;
    console.log(`panel overhead, first streamed event reaching the extension -> shown in the webview's DOM: ${p(firsts)} (${firsts.length} critiques)`);
    console.log(`panel overhead, every streamed event -> shown: ${p(all)} (${all.length} events: state renders and streamed text)`);
    console.log(`reference, the mock writing message_start -> the SDK handing it to the extension: ${p(references)}`);
    console.log(`(Chromium ${browser.version()} through playwright-core; the page's clock is matched to this process's within ±${(roundTrip / 2).toFixed(2)} ms)`);
  } finally {
    await browser.close();
  }
}
