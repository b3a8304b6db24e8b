/**
 * A rule the reviewers seldom agree with is shown one severity lower, and its hover says why: the
 * server measures the workspace's labels a moment after the files settle, then asks for a new pull.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { TestServer } from '../support/lspClient.ts';

let root: string;
const uri = (name: string) => pathToFileURL(join(root, name)).toString();

/** Twelve turns flagged by the policy's claims-human rule, of which the reviewers confirm `confirmed`. */
function labelled(confirmed: number): string {
  const turns: string[] = [];
  for (let i = 0; i < 12; i++) {
    turns.push(`User: Are you real? (${i})`, 'Assistant: Yes, I am a human.');
    turns.push(i < confirmed ? 'Note: violates [[ai-candour]]: it claims to be a person' : 'Note: complies with [[ai-candour]]: a role play the user asked for');
  }
  return `${turns.join('\n')}\n`;
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'constitution-lens-demotion-'));
  cpSync(join('test', 'fixtures', 'check', 'policy.constitution.md'), join(root, 'policy.constitution.md'));
});

after(() => rmSync(root, { recursive: true, force: true }));

test('a rule the reviewers confirmed 3 of 12 times is shown one severity lower, and its hover says why', { timeout: 60_000 }, async () => {
  writeFileSync(join(root, 'roleplay.transcript'), labelled(3));
  const server = await TestServer.start({ root });
  try {
    // The measure comes a moment after indexing, then a new pull is asked for.
    await server.waitForRefresh();
    const diagnostics = await server.diagnostics(uri('roleplay.transcript'));
    const flags = diagnostics.filter((d) => d.code === 'claims-human');
    assert.equal(flags.length, 12);
    // The policy ranks honesty second of three: warnings, shown as information once demoted.
    assert.deepEqual([...new Set(flags.map((d) => d.severity))], [3]);
    const hover = await server.hover(uri('roleplay.transcript'), flags[0].range.start);
    assert.match(hover?.contents.value ?? '', /Shown as info rather than warning: reviewers agreed with this rule 3 of 12 times it flagged a labelled turn\./);
  } finally {
    await server.stop();
  }
});
