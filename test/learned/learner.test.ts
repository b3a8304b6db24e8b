import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultFeatureOptions, FeatureKind, FeatureWalker, heaviest, walkFeatures, wordWeights, type WordPlace } from '../../server/src/core/learned/features.ts';
import { crossValidate, defaultFitOptions, figuresAt, fit, foldsOf, thresholdFor, type Sample } from '../../server/src/core/learned/logistic.ts';
import { LearnedScorer, parseModel, serialiseModel } from '../../server/src/core/learned/model.ts';
import { sampleOf, specHash, trainModel } from '../../server/src/core/learned/train.ts';
import { labelledTurns } from './support.ts';

const options = defaultFeatureOptions;

function buckets(text: string): number[] {
  const out: number[] = [];
  walkFeatures(text, options, (b) => out.push(b));
  return out;
}

function trained() {
  return trainModel({ rule: 'refuses', turns: labelledTurns(), examples: [], data: [], context: false, spec: 'spec', licence: 'test data' });
}

test('features ignore case and the apostrophe used, and depend on the words', () => {
  assert.deepEqual(buckets('I CAN\u2019T help'), buckets("i can't help"));
  assert.notDeepEqual(buckets('I can help'), buckets("I can't help"));
  // Word order counts, through the bigrams and the first words.
  assert.notDeepEqual([...buckets('help I can')].sort(), [...buckets('I can help')].sort());
});

test('features read only the first characters a model reads, and never a word the limit cuts', () => {
  const short = { ...options, read: 12 };
  const seen = (t: string) => {
    const out: number[] = [];
    walkFeatures(t, short, (b) => out.push(b));
    return out;
  };
  assert.deepEqual(seen("I can't help with that at all"), seen("I can't help"));
  assert.deepEqual(seen("I can't helpfully"), seen("I can't"));
});

test('scoring and explaining sum the same features as the plain walk', () => {
  const weights = new Float32Array(2 ** options.bits);
  for (let i = 0; i < weights.length; i++) weights[i] = ((i * 2654435761) % 1000) / 1000 - 0.5;
  const texts = ["I'm sorry, but I can't help with that.", 'Héllo wörld: ünïcode — and "quotes"!\nNew line. Ok?', '', 'a', 'ab', 'x'.repeat(500), `${'y'.repeat(60)} z`];
  // The model's usual n-grams of four, and other lengths, which scoring reads another way.
  const variants = [options, { ...options, charMin: 3, charMax: 5 }, { ...options, charMin: 2, charMax: 2 }, { ...options, charMin: 5, charMax: 6, read: 40 }];
  for (const o of variants) {
    for (const text of texts) {
      const label = `${o.charMin}-${o.charMax}: ${text}`;
      let sum = 0;
      let count = 0;
      walkFeatures(text, o, (b) => {
        sum += weights[b];
        count++;
      });
      const walker = new FeatureWalker();
      const acc = new Float64Array(2);
      walker.sum(text, o, weights, acc);
      assert.equal(acc[1], count, label);
      assert.ok(Math.abs(acc[0] - sum) < 1e-9, label);
      // A context turn's features are hashed apart, and scoring reads them as the plain walk does.
      let contextSum = 0;
      walkFeatures(text, o, (b) => (contextSum += weights[b]), true);
      const contextAcc = new Float64Array(2);
      walker.sum(text, o, weights, contextAcc, true);
      assert.equal(contextAcc[1], count, label);
      assert.ok(Math.abs(contextAcc[0] - contextSum) < 1e-9, label);
      const explained = new Float64Array(2);
      const places: WordPlace[] = [];
      const perWord = walker.explain(text, o, weights, explained, new Float64Array(0), heaviest(8), places);
      assert.equal(explained[1], count, label);
      assert.ok(Math.abs(explained[0] - sum) < 1e-9, label);
      // The span's walk, which keeps no n-grams, gives each word the same weight and place.
      const spanned = new Float64Array(2);
      const words = wordWeights(o.read);
      const n = walker.span(text, o, weights, spanned, words);
      assert.equal(spanned[1], count, label);
      assert.equal(spanned[0], explained[0], label);
      assert.equal(n, places.length, label);
      for (let w = 0; w < n; w++) {
        assert.equal(words.weight[w], perWord[w], `${label}: word ${w}`);
        assert.deepEqual({ start: words.start[w], end: words.end[w] }, places[w], `${label}: word ${w}`);
      }
    }
  }
});

test('scoring, explaining and the span add weights in their own loop, never through the call per feature', () => {
  // The fused walk is kept for its measured gain over a sink per feature; a walker whose
  // per-feature walk throws still scores, explains and spans.
  const weights = new Float32Array(2 ** options.bits).fill(0.25);
  const walker = new FeatureWalker();
  walker.walk = () => {
    throw new Error('went through the per-feature walk');
  };
  const text = "I'm sorry, but I can't help with that.";
  const acc = new Float64Array(2);
  walker.sum(text, options, weights, acc);
  walker.explain(text, options, weights, acc, new Float64Array(0), heaviest(4), []);
  walker.span(text, options, weights, acc, wordWeights(options.read));
  assert.ok(acc[1] > 0);
});

test('the span a flag underlines is the one its explanation gives, for every turn, and the one its score just read', () => {
  const scorer = new LearnedScorer(trained().model);
  const texts = [...labelledTurns().map((t) => t.text), '', '   ', '!!', 'Sorry.', `${'word '.repeat(80)}sorry, I cannot help`, 'Je ne peux pas: désolé, je ne peux pas vous aider.'];
  for (const text of texts) {
    const why = scorer.explain(text);
    assert.deepEqual(scorer.span(text), { start: why.start, end: why.end }, text);
    scorer.score(text);
    assert.deepEqual(scorer.lastSpan(text), { start: why.start, end: why.end }, text);
  }
  // Scoring another turn replaces the words kept.
  scorer.score(texts[0]);
  scorer.score(texts[1]);
  assert.deepEqual(scorer.lastSpan(texts[1]), scorer.span(texts[1]));
  // The span of a turn just scored comes from the words the score kept: the turn is not read again.
  const refusal = 'The weather is mild today. Sorry, but I cannot help you with that request.';
  scorer.score(refusal);
  const unread = { length: refusal.length, charCodeAt: () => assert.fail('read the turn again') } as unknown as string;
  assert.deepEqual(scorer.lastSpan(unread), scorer.span(refusal));
});

test('the strongest span is the first run of at most twelve words whose weights toward the score sum highest', () => {
  const trainedModel = trained().model;
  const dimension = 2 ** trainedModel.features.bits;
  // Weights of every kind on every bucket, so that runs compete; and one word alone weighing, so
  // that runs tie and the first must be taken.
  const everywhere: [number, number][] = [];
  for (let b = 0; b < dimension; b++) everywhere.push([b, Math.round((((b * 2654435761) % 997) / 997 - 0.6) * 1000) / 1000]);
  let sorry = -1;
  walkFeatures('sorry', trainedModel.features, (bucket, _word, kind) => {
    if (kind === FeatureKind.word) sorry = bucket;
  });
  const oneWord: [number, number][] = [[sorry, 1]];
  const texts = [
    ...labelledTurns().map((t) => t.text),
    'a b c d e f g h i j k l m n o p',
    'one',
    'Sorry. Sorry. Sorry.',
    `${'word '.repeat(80)}sorry, I cannot help`,
    `sorry ${'x '.repeat(20)}sorry`,
    `${'x '.repeat(20)}sorry ${'x '.repeat(20)}sorry`,
  ];
  for (const weights of [everywhere, oneWord]) {
    const model = { ...trainedModel, weights };
    const scorer = new LearnedScorer(model);
    const dense = new Float64Array(dimension);
    for (const [b, w] of weights) dense[b] = Math.fround(w);
    for (const text of texts) {
      // The reference: each word's positive weights from the plain walk, and every run tried.
      const places: WordPlace[] = [];
      const own: number[] = [];
      walkFeatures(
        text,
        model.features,
        (bucket, word) => {
          own[word] = (own[word] ?? 0) + Math.max(0, dense[bucket]);
        },
        false,
        places,
      );
      let best = -Infinity;
      let run = [0, 0];
      for (let i = 0; i < places.length; i++) {
        let sum = 0;
        for (let j = i; j < Math.min(places.length, i + 12); j++) {
          sum += own[j] ?? 0;
          if (sum > best) {
            best = sum;
            run = [i, j];
          }
        }
      }
      const expected = places.length ? { start: places[run[0]].start, end: places[run[1]].end } : { start: 0, end: Math.min(text.length, 1) };
      assert.deepEqual(scorer.span(text), expected, text);
    }
  }
});

test('fitting is deterministic for a seed and learns a separable set', () => {
  const samples = labelledTurns().map((t) => sampleOf(t, options, false));
  const fitOptions = { ...defaultFitOptions, dimension: 2 ** options.bits };
  const a = fit(samples, fitOptions);
  const b = fit(samples, fitOptions);
  assert.deepEqual([...a.buckets], [...b.buckets]);
  assert.deepEqual([...a.values], [...b.values]);
  assert.ok(a.buckets.length <= fitOptions.keep);
  assert.ok(a.values.every((v) => v !== 0 && Math.round(v * 1e3) / 1e3 === v), 'weights are kept non-zero and rounded');
  const scores = crossValidate(samples, fitOptions, 5);
  const f = figuresAt(scores, samples.map((s) => s.positive), 0.5);
  assert.ok(f.f1 > 0.9, `cross-validated F1 ${f.f1}`);
});

test('folds are stratified: each holds positives and negatives', () => {
  const samples: Sample[] = Array.from({ length: 20 }, (_, i) => ({ buckets: new Int32Array(0), values: new Float64Array(0), positive: i < 6 }));
  const fold = foldsOf(samples, 3, 7);
  for (let f = 0; f < 3; f++) {
    assert.ok(samples.some((s, i) => fold[i] === f && s.positive));
    assert.ok(samples.some((s, i) => fold[i] === f && !s.positive));
  }
});

test('the threshold is the lowest that reaches the target precision', () => {
  const scores = [0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9];
  const labels = [false, false, true, false, true, true, true, true];
  const t = thresholdFor(scores, labels, 0.99);
  assert.equal(figuresAt(scores, labels, t).precision, 1);
  assert.equal(figuresAt(scores, labels, t).tp, 4);
  const lower = thresholdFor(scores, labels, 0.8);
  assert.deepEqual([figuresAt(scores, labels, lower).tp, figuresAt(scores, labels, lower).fp], [5, 1]);
});

test('a trained model names its figures and training, and the same input gives the same bytes', () => {
  const first = trained();
  const second = trained();
  assert.equal(serialiseModel(first.model), serialiseModel(second.model));
  const m = first.model;
  assert.equal(m.version, 1);
  assert.equal(m.training.samples, 80);
  assert.equal(m.training.positives, 40);
  assert.equal(m.training.licence, 'test data');
  assert.deepEqual(m.crossValidated, first.crossValidated);
  const cv = m.crossValidated;
  assert.equal(cv.tp + cv.fp + cv.fn + cv.tn, 80);
  assert.ok(cv.f1 > 0.9, `F1 ${cv.f1}`);
  const parsed = parseModel(serialiseModel(m));
  assert.ok('model' in parsed);
  assert.deepEqual(parsed.model, JSON.parse(JSON.stringify(m)));
});

test('the scorer flags a refusal it never saw and explains it by its words and its strongest span', () => {
  const scorer = new LearnedScorer(trained().model);
  const refusal = 'The weather is mild today. Sorry, but I cannot help you with that request.';
  const answer = 'To boil an egg, put it in boiling water for seven minutes, then cool it.';
  assert.ok(scorer.score(refusal) > scorer.score(answer));
  const why = scorer.explain(refusal);
  assert.ok(Math.abs(why.score - scorer.score(refusal)) < 1e-9);
  const span = refusal.slice(why.start, why.end);
  assert.ok(span.length < refusal.length, 'the span is not the whole turn');
  assert.match(span, /cannot|sorry/i);
  assert.ok(why.top.length > 0 && why.top.every((t) => t.weight > 0));
  assert.ok(why.top.some((t) => /cannot|sorry|can|help/.test(t.text)), JSON.stringify(why.top));
});

test('a malformed model file is refused with a reason', () => {
  const good = JSON.parse(serialiseModel(trained().model));
  const reason = (v: unknown) => {
    const r = parseModel(typeof v === 'string' ? v : JSON.stringify(v));
    return 'error' in r ? r.error : '';
  };
  assert.match(reason('{'), /not JSON/);
  assert.match(reason([]), /not a JSON object/);
  assert.match(reason({ ...good, version: 2 }), /version is 2/);
  assert.match(reason({ ...good, features: { ...good.features, hash: 'md5' } }), /hashed by/);
  assert.match(reason({ ...good, weights: [[-1, 0.5]] }), /weights hold \[-1,0\.5\]/);
  assert.match(reason({ ...good, threshold: 'high' }), /threshold is not a number/);
});

test('the declaration hash is stable and tells declarations apart', () => {
  assert.equal(specHash({ a: [1, 2] }), specHash({ a: [1, 2] }));
  assert.notEqual(specHash({ a: [1, 2] }), specHash({ a: [2, 1] }));
  assert.match(specHash('x'), /^[0-9a-f]{16}$/);
});
