import assert from 'node:assert/strict';
import { test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { commandLineWording, editorWording, noKeyError, toCritiqueError } from '../../server/src/critique/errors.ts';
import { readAnswer, zeroUsage } from '../../server/src/critique/request.ts';
import { constitution, transcript } from './fixtures.ts';

/** Every fault whose message tells a person what to change, as the SDK raises it. */
const faults: [string, unknown][] = [
  ['connection', new Anthropic.APIConnectionError({ message: 'Connection error.' })],
  ['permission', Anthropic.APIError.generate(403, { error: { type: 'permission_error', message: 'no' } }, 'no', new Headers())],
  ['overloaded', Anthropic.APIError.generate(529, { error: { type: 'overloaded_error', message: 'busy' } }, 'busy', new Headers())],
  ['bad request', Anthropic.APIError.generate(400, { error: { type: 'invalid_request_error', message: 'unknown model' } }, 'unknown model', new Headers())],
  ['refused key', Anthropic.APIError.generate(401, { error: { type: 'authentication_error', message: 'bad key' } }, 'bad key', new Headers())],
];

/** The answers that are faults: cut off at the token limit, and not the JSON asked for. */
function answerFaults(wording = editorWording): string[] {
  const turn = transcript.conversations[0]!.turns[1]!;
  const cut = readAnswer('{"findings": [', { stopReason: 'max_tokens', maxTokens: 256 }, 'm', zeroUsage, turn, constitution, new Set(), wording);
  const garbled = readAnswer('Sure! Here is my critique.', { stopReason: 'end_turn', maxTokens: 256 }, 'm', zeroUsage, turn, constitution, new Set(), wording);
  return [cut, garbled].map((r) => ('error' in r ? r.error.message : assert.fail('an answer fault was read as a result')));
}

test('on the command line, a fault names the flags and variables to change, never a setting', () => {
  const messages = faults.map(([, e]) => toCritiqueError(e, { wording: commandLineWording, baseURL: 'http://127.0.0.1:9' }).message);
  messages.push(noKeyError(commandLineWording).message, ...answerFaults(commandLineWording));
  for (const message of messages) assert.doesNotMatch(message, /setting/, message);
  const [connection, permission, overloaded, badRequest, refused, noKey, cut, garbled] = messages;
  assert.equal(connection, 'Could not reach http://127.0.0.1:9. Check the network connection (and ANTHROPIC_BASE_URL, if you set one), then try again.');
  assert.match(permission!, /choose another model with --model \(or CONSTITUTION_LENS_MODEL\)\.$/);
  assert.match(overloaded!, /choose another model with --model \(or CONSTITUTION_LENS_MODEL\)\.$/);
  assert.match(badRequest!, /Check --model \(or CONSTITUTION_LENS_MODEL\) and ANTHROPIC_BASE_URL\.$/);
  assert.equal(refused, 'The API key was refused. Set ANTHROPIC_API_KEY to a valid key.');
  assert.equal(noKey, 'No API key is set, so nothing was sent. Set ANTHROPIC_API_KEY to a valid key.');
  assert.match(cut!, /Raise --max-tokens and run the critique again\.$/);
  assert.match(garbled!, /check --model \(or CONSTITUTION_LENS_MODEL\) and ANTHROPIC_BASE_URL\.$/);
});

test('in the editor, the same faults name the settings and the Set API Key command', () => {
  const messages = faults.map(([, e]) => toCritiqueError(e, {}).message);
  messages.push(noKeyError().message, ...answerFaults());
  for (const message of messages) assert.doesNotMatch(message, /ANTHROPIC_|--/, message);
  const [connection, permission, overloaded, badRequest, refused, noKey, cut, garbled] = messages;
  assert.match(connection!, /\(and the base URL setting, if you set one\)/);
  assert.match(permission!, /choose another model with the model setting\.$/);
  assert.match(overloaded!, /choose another model with the model setting\.$/);
  assert.match(badRequest!, /Check the model setting and the base URL setting\.$/);
  assert.equal(refused, 'The API key was refused. Set a new key with “Constitution Lens: Set API Key”.');
  assert.equal(noKey, 'No API key is set, so nothing was sent. Set a key with “Constitution Lens: Set API Key”.');
  assert.match(cut!, /Raise the max tokens setting and run the critique again\.$/);
  assert.match(garbled!, /check the model setting and the base URL setting\.$/);
});
