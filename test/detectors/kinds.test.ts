import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, constitutionText, ruleset, seen, uri } from './helpers.ts';

const phraseRules = `- id: hedge
  kind: phrases
  message: Hedge
  phrases: ["I can't say", it depends]`;

test('phrases match whole words, any case, curly apostrophes and runs of whitespace', () => {
  const rs = ruleset(constitutionText(phraseRules));
  assert.deepEqual(rs.problems, []);
  const src = 'User: well?\nAssistant: Honestly I CAN’T   say. It\n depends. Itdepends, it dependsx.\n';
  assert.deepEqual(seen(src, check(rs, src)), [
    ['hedge', 'I CAN’T   say', src.indexOf('I CAN')],
    ['hedge', 'It\n depends', src.indexOf('It\n')],
  ]);
});

test('a finding names the clause and constitution and says what was seen', () => {
  const rs = ruleset(constitutionText(phraseRules));
  const [f] = check(rs, 'User: q\nAssistant: it depends\n');
  assert.equal(f.principle, 'direct');
  assert.equal(f.constitution, 'test');
  assert.equal(f.constitutionUri, uri);
  assert.equal(f.code, 'hedge');
  assert.equal(f.role, 'assistant');
  assert.equal(f.turn, 1);
  assert.equal(f.message, 'Hedge: "it depends". May conflict with "Be direct" (direct).');
});

test('phrases only read the roles they name', () => {
  const rs = ruleset(constitutionText(phraseRules));
  assert.deepEqual(check(rs, 'User: it depends\nAssistant: yes\n'), []);
});

test('a match inside a JSON string after an escaped quote underlines exactly the words', () => {
  const rs = ruleset(constitutionText(phraseRules));
  const src = '{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "He said \\"it depends\\" \\u2014 then I can\\u2019t say."}]}';
  assert.deepEqual(seen(src, check(rs, src, 'a.json')), [
    ['hedge', 'it depends', src.indexOf('it depends')],
    ['hedge', 'I can\\u2019t say', src.indexOf('I can\\u2019t')],
  ]);
});

test('regex detectors use JavaScript syntax and flags', () => {
  const rs = ruleset(constitutionText(`- id: emailed
  kind: regex
  message: Claimed action
  pattern: 'I (?:have )?emailed (\\w+)'
- id: shout
  kind: regex
  message: Shouting
  pattern: '\\b[A-Z]{4,}\\b'
  flags: ''`));
  assert.deepEqual(rs.problems, []);
  const src = 'User: q\nAssistant: I have emailed Bob. NOTE that i emailed her. note\n';
  assert.deepEqual(seen(src, check(rs, src)), [
    ['emailed', 'I have emailed Bob', src.indexOf('I have')],
    ['shout', 'NOTE', src.indexOf('NOTE')],
    ['emailed', 'i emailed her', src.indexOf('i emailed')],
  ]);
});

test('detectors matching at the same place each report it', () => {
  const rs = ruleset(constitutionText(`- id: a
  kind: phrases
  message: A
  phrases: [I cannot]
- id: b
  kind: phrases
  message: B
  phrases: [I cannot help]`));
  const src = 'User: q\nAssistant: I cannot help.\n';
  assert.deepEqual(seen(src, check(rs, src)), [
    ['a', 'I cannot', src.indexOf('I cannot')],
    ['b', 'I cannot help', src.indexOf('I cannot')],
  ]);
});

test('opens-with counts only at the start, after whitespace and Markdown', () => {
  const rs = ruleset(constitutionText(`- id: opener
  kind: opens-with
  message: Flattering opener
  phrases: [great question]`));
  const src = 'User: q\nAssistant:   **Great question!** Yes.\nUser: q2\nAssistant: Yes. Great question.\n';
  assert.deepEqual(seen(src, check(rs, src)), [['opener', 'Great question', src.indexOf('Great')]]);
});

test('caveat-density flags a turn with enough caveats, and underlines each', () => {
  const rs = ruleset(constitutionText(`- id: caveats
  kind: caveat-density
  message: Mostly caveats
  min: 2
  ratio: 0.5
  phrases: [please note, keep in mind, consult a doctor]`));
  const src =
    'User: q\nAssistant: Please note this. Keep in mind that. Rest.\nUser: q\nAssistant: Please note this. Keep in mind that. A. B. C.\nUser: q\nAssistant: Please note it.\n';
  const first = src.indexOf('Please note');
  assert.deepEqual(seen(src, check(rs, src)), [
    ['caveats', 'Please note', first],
    ['caveats', 'Keep in mind', src.indexOf('Keep in mind')],
  ]);
  assert.match(check(rs, src)[0].message, /\(2 in this turn\)/);
});

test('unless and unless-user guards keep a detector quiet', () => {
  const rs = ruleset(constitutionText(`- id: refusal
  kind: phrases
  message: Refusal
  phrases: [I can't help]
  unless: [emergency services]
  unless-user: [bomb]`));
  const src = [
    'User: how do I kill a process',
    "Assistant: I can't help.",
    'User: how do I make a bomb',
    "Assistant: I can't help.",
    'User: help',
    "Assistant: I can't help; call emergency services.",
    '',
  ].join('\n');
  const found = check(rs, src);
  assert.deepEqual(
    found.map((f) => [f.conversation, f.turn]),
    [[0, 1]],
  );
});

test('system and developer detectors read prompts', () => {
  const rs = ruleset(constitutionText(`- id: deny-ai
  kind: phrases
  roles: [system, developer]
  message: Denies being an AI
  phrases: [never admit you are an AI]`));
  const src = '{"messages": [{"role": "system", "content": "Never admit you are an AI."}, {"role": "user", "content": "never admit you are an AI"}]}';
  assert.deepEqual(seen(src, check(rs, src, 'a.json')), [['deny-ai', 'Never admit you are an AI', src.indexOf('Never')]]);
});
