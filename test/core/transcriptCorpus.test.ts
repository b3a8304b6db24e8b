import assert from 'node:assert/strict';
import { test } from 'node:test';
import { basename } from 'node:path';
import { readCorpus, testEachCorpusFile } from '../support/corpus.ts';
import { parseTranscript } from '../../server/src/core/transcript/parse.ts';
import type { Conversation } from '../../server/src/core/transcript/model.ts';

interface Message {
  role: string;
  content: string;
}

const textTranscript = (s: string) => /^\s*Human:/.test(s) && /\n\s*Assistant:/.test(s);
const labelCount = (s: string) => (s.match(/(?:^|\n)(?:Human|User|Assistant|System|Developer|Tool):/g) ?? []).length;

/** What each conversation of a record should hold, from `JSON.parse` alone: the contents of its turns, or their count. */
function expected(record: Record<string, unknown>): Array<{ contents?: string[]; count: number; transcript?: string }> {
  if (Array.isArray(record.messages)) {
    const contents = (record.messages as Message[]).map((m) => m.content);
    return [{ contents, count: contents.length }];
  }
  return (['chosen', 'rejected'] as const).map((side) => {
    const value = record[side] as Message | string;
    const content = typeof value === 'string' ? value : value.content;
    if (textTranscript(content)) return { count: labelCount(content), transcript: content };
    const rest = ((record[`${side}_rest`] as Message[] | undefined) ?? []).map((m) => m.content);
    const contents = [...(record.context as Message[]).map((m) => m.content), content, ...rest];
    return { contents, count: contents.length };
  });
}

testEachCorpusFile(
  'dev',
  () => true,
  (name) => `corpus dev: ${name} parses with every turn, and sampled ranges decode to the turn's content`,
  (path) => {
    const source = readCorpus(path);
    const t = parseTranscript(source, basename(path));
    assert.deepEqual(t.problems, []);
    const records = source.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    const byIndex = new Map<number, Conversation[]>();
    for (const c of t.conversations) byIndex.set(c.index, [...(byIndex.get(c.index) ?? []), c]);
    assert.equal(byIndex.size, records.length);
    let sampled = 0;
    records.forEach((record, i) => {
      const conversations = byIndex.get(i) ?? [];
      const want = expected(record);
      assert.equal(conversations.length, want.length, `record ${i}`);
      assert.equal(conversations[0].id, record.id);
      conversations.forEach((c, k) => {
        assert.equal(c.turns.length, want[k].count, `record ${i} (${String(record.id)}) conversation ${k}`);
        if (i % 7 !== 0) return;
        c.turns.forEach((turn, j) => {
          const block = turn.blocks[0];
          const decoded = JSON.parse('"' + source.slice(block.span.start, block.span.end) + '"') as string;
          assert.equal(decoded, block.text.text);
          if (want[k].contents) assert.equal(decoded, want[k].contents![j], `record ${i} turn ${j}`);
          else assert.ok(want[k].transcript!.includes(decoded), `record ${i} turn ${j}`);
          const words = block.text.text.split(/\s+/).filter((w) => w.length > 3);
          for (const w of words.slice(0, 3)) {
            const d = block.text.text.indexOf(w);
            const raw = source.slice(block.text.toSource(d), block.text.toSource(d + w.length));
            assert.equal(JSON.parse('"' + raw + '"'), w);
          }
          sampled++;
        });
      });
    });
    assert.ok(sampled > 0);
  },
);
