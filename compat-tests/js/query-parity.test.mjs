// The official JS client on the Query API as Qdrant 1.19 computes it: a query by point id with
// limit 1, RRF with k and weights, recommend best_score on Euclid (raw similarity: minus the
// squared distance), sample / order_by scores and lookup_from. Expected values come from the
// formulas written out below, over the points this file writes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { QdrantClient } from '@qdrant/js-client-rest';
import { captureWarnings, startServer, uniqueName } from './server.mjs';

let server;
let client;
let capture;
const name = uniqueName('jsqparity');
const other = uniqueName('jsqparity_other');

// Point i (1..12) holds e = [i, i % 5, (i * 7) % 11] (Euclid) and payload n = (i * 5) % 13.
const ids = Array.from({ length: 12 }, (_, i) => i + 1);
const vectorOf = (i, shift = 0) => [i + shift, (i % 5) - shift, (i * 7) % 11];
const n = (i) => (i * 5) % 13;

async function fill(collection, shift) {
  await client.createCollection(collection, { vectors: { e: { size: 3, distance: 'Euclid' } } });
  await client.upsert(collection, {
    wait: true,
    points: ids.map((i) => ({ id: i, vector: { e: vectorOf(i, shift) }, payload: { n: n(i) } })),
  });
  await client.createPayloadIndex(collection, { field_name: 'n', field_schema: 'integer', wait: true });
}

const squared = (a, b) => a.reduce((sum, x, k) => sum + (x - b[k]) ** 2, 0);
const sigmoid = (x) => 0.5 * (x / (1 + Math.abs(x)) + 1);

// Best-first ids by `score` (higher first unless `lowerFirst`), ties broken by nothing: callers
// compare scores, and ids only where scores differ.
function ranked(scores, lowerFirst = false) {
  return [...scores.entries()].sort((a, b) => (lowerFirst ? a[1] - b[1] : b[1] - a[1]));
}

function assertScores(points, expected) {
  for (const p of points) assert.ok(Math.abs(p.score - expected.get(p.id)) < 1e-4, `${p.id}: ${p.score}`);
  for (let k = 1; k < points.length; ++k) assert.ok(points[k - 1].score >= points[k].score - 1e-6);
}

before(async () => {
  server = await startServer();
  capture = captureWarnings();
  client = new QdrantClient({ url: server.url, apiKey: server.apiKey });
  await fill(name, 0);
  await fill(other, 2);
});

after(async () => {
  capture.restore();
  await client.deleteCollection(name).catch(() => {});
  await client.deleteCollection(other).catch(() => {});
  await server.stop();
});

test('a query by point id with limit 1 returns one point', async () => {
  const { points } = await client.query(name, { query: 4, using: 'e', limit: 1 });
  const distances = new Map(ids.filter((i) => i !== 4).map((i) => [i, Math.sqrt(squared(vectorOf(i), vectorOf(4)))]));
  assert.equal(points.length, 1);
  assert.ok(Math.abs(points[0].score - ranked(distances, true)[0][1]) < 1e-4);
});

test('rrf scores 1 / ((rank + 1) / weight + k - 1)', async () => {
  // No two points are at the same distance from this target (the lists' order is then unique).
  const target = [2.7, 1.9, 4.6];
  const byDistance = ranked(new Map(ids.map((i) => [i, squared(vectorOf(i), target)])), true).map(([i]) => i);
  const prefetch = [
    { query: target, using: 'e', limit: 6, params: { exact: true } },
    { query: { order_by: 'n' }, limit: 6 },
  ];
  const byN = [...ids].sort((a, b) => n(a) - n(b)).slice(0, 6);
  const lists = [byDistance.slice(0, 6), byN];
  const weights = [3, 1];
  const k = 3;
  const expected = new Map();
  lists.forEach((list, l) => list.forEach((id, rank) => {
    expected.set(id, (expected.get(id) ?? 0) + 1 / ((rank + 1) / weights[l] + k - 1));
  }));
  const { points } = await client.query(name, { prefetch, query: { rrf: { k, weights } }, limit: 20 });
  assert.equal(points.length, expected.size);
  assertScores(points, expected);
});

test('recommend best_score scores with minus the squared Euclid distance', async () => {
  const positive = [2, 9];
  const negative = [6];
  const expected = new Map();
  for (const i of ids) {
    if (positive.includes(i) || negative.includes(i)) continue;
    const best = (examples) => Math.max(...examples.map((e) => -squared(vectorOf(i), vectorOf(e))));
    const pos = best(positive);
    const neg = best(negative);
    expected.set(i, pos > neg ? sigmoid(pos) : -sigmoid(neg));
  }
  const { points } = await client.query(name, {
    query: { recommend: { positive, negative, strategy: 'best_score' } },
    using: 'e',
    limit: 5,
  });
  assert.equal(points.length, 5);
  assertScores(points, expected);
});

test('sample and order_by score 1', async () => {
  const sample = await client.query(name, { query: { sample: 'random' }, limit: 4 });
  assert.ok(sample.points.every((p) => p.score === 1));
  const ordered = await client.query(name, { query: { order_by: 'n' }, limit: 4 });
  assert.deepEqual(ordered.points.map((p) => p.id), [...ids].sort((a, b) => n(a) - n(b)).slice(0, 4));
  assert.ok(ordered.points.every((p) => p.score === 1));
});

test('lookup_from reads the example from the other collection', async () => {
  const { points } = await client.query(name, {
    query: 4,
    using: 'e',
    lookup_from: { collection: other },
    limit: 3,
  });
  const expected = new Map(ids.map((i) => [i, Math.sqrt(squared(vectorOf(i), vectorOf(4, 2)))]));
  for (const p of points) assert.ok(Math.abs(p.score - expected.get(p.id)) < 1e-4);
  assert.ok(Math.abs(points[0].score - ranked(expected, true)[0][1]) < 1e-4);
  await assert.rejects(
    client.query(name, { query: 4, using: 'e', lookup_from: { collection: uniqueName('missing') } }),
    (error) => error.status === 404,
  );
});
