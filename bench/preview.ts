/**
 * The reading view on a large dataset: from the request to the first page of the list of the 20 MB
 * bench JSONL, open in the editor, and the time to build one conversation's view (moving to another
 * conversation of the list). Figures are round trips over stdio to the real server, beside a request
 * that does no work in the same run, and the targets the view is held to.
 */
import {
  conversationListRequest,
  conversationViewRequest,
  type ConversationListParams,
  type ConversationListResult,
  type ConversationViewParams,
  type ConversationViewResult,
} from '../server/src/protocol.ts';
import { randomFrom } from '../test/support/random.ts';
import { startOnDataset } from './server.ts';
import { median, percentile } from './stats.ts';

const firstPage = 60;
const laterPage = 1000;

export async function run(): Promise<void> {
  const started = await startOnDataset('preview');
  if (!started) return;
  const { uri, text, server, noop } = started;
  try {
    const list = (start: number, count: number, search?: string) =>
      server.request<ConversationListResult>(conversationListRequest, { uri, start, count, ...(search ? { text: search } : {}) } satisfies ConversationListParams);
    const view = (entry: number) => server.request<ConversationViewResult>(conversationViewRequest, { uri, entry } satisfies ConversationViewParams);

    // As in the editor: the file is open and its first diagnostics are in when the preview is asked for.
    const t0 = performance.now();
    await server.open(uri, text, 'jsonl');
    await server.diagnostics(uri);
    const openMs = performance.now() - t0;
    const tFirst = performance.now();
    const first = await list(0, firstPage);
    const firstMs = performance.now() - tFirst;
    if (!first || first.rows.length === 0) throw new Error('the first page of the list is empty');
    const tEntry = performance.now();
    await view(0);
    const entryMs = performance.now() - tEntry;

    // The rest of the list, as the view reads it behind the first page.
    let rows = first.rows.length;
    let next = first.next;
    const tAll = performance.now();
    while (next !== undefined) {
      const page = await list(next, laterPage);
      if (!page) break;
      rows += page.rows.length;
      next = page.next;
    }
    const allMs = performance.now() - tAll;

    // Moving to another conversation: entries spread over the file, each built afresh.
    const random = randomFrom(24);
    const switches: number[] = [];
    let turns = 0;
    for (let i = 0; i < 50; i++) {
      const entry = random(rows);
      const t = performance.now();
      const v = await view(entry);
      switches.push(performance.now() - t);
      turns += v?.conversations.reduce((n, c) => n + c.turns.length, 0) ?? 0;
    }
    const tSearch = performance.now();
    const searched = await list(0, firstPage, 'password');
    const searchMs = performance.now() - tSearch;

    const reference = median(noop);
    console.log(`dataset: ${(Buffer.byteLength(text) / 1e6).toFixed(1)} MB, ${rows} conversations in the list`);
    console.log(`first page of the list (${first.rows.length} rows): ${firstMs.toFixed(0)} ms from the request (target < 1000 ms), then its first conversation ${entryMs.toFixed(0)} ms (while the server finishes the file's diagnostics in the background)`);
    console.log(`  (before it: the file opened and its first diagnostics pulled, as the editor does on opening it, in ${openMs.toFixed(0)} ms including sending it over stdio)`);
    console.log(`the whole list, read behind it in pages of ${laterPage}: ${allMs.toFixed(0)} ms`);
    console.log(
      `moving to another conversation: median ${median(switches).toFixed(1)} ms, 95th percentile ${percentile(switches, 0.95).toFixed(1)} ms, slowest ${Math.max(...switches).toFixed(1)} ms ` +
        `over 50 conversations (${(turns / 50).toFixed(1)} turns each on average; target < 100 ms)`,
    );
    console.log(`a text filter's first page ("password", ${searched?.rows.length ?? 0} rows): ${searchMs.toFixed(0)} ms`);
    console.log(`reference: a request that does no work, median ${reference.toFixed(2)} ms`);
  } finally {
    await server.stop();
  }
}
