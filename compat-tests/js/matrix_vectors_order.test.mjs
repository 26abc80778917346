// The official JS client on the distance matrix, named vector add/delete and scroll with
// order_by; expected results are computed here (an oracle), not typed in.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { QdrantClient } from '@qdrant/js-client-rest';
import { captureWarnings, startServer, uniqueName } from './server.mjs';

let server;
let client;
let capture;
const name = uniqueName('jsmatrix');
// Deterministic vectors (a small linear congruential sequence), one per id 1..8.
const vectors = {};
let seed = 12345;
const next = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648 - 0.5;
};
for (let id = 1; id <= 8; id += 1) vectors[id] = [next(), next(), next()];
const values = { 1: [4, 1], 2: 3, 3: [8, 2], 4: 6, 5: 5, 6: [7, 0], 7: 9, 8: 10 };

const dot = (a, b) => a.reduce((sum, x, i) => sum + x * b[i], 0);

before(async () => {
  server = await startServer();
  capture = captureWarnings();
  client = new QdrantClient({ url: server.url, apiKey: server.apiKey });
  await client.createCollection(name, { vectors: { size: 3, distance: 'Dot' } });
  await client.createPayloadIndex(name, { field_name: 'n', field_schema: 'integer', wait: true });
  await client.upsert(name, {
    wait: true,
    points: Object.keys(vectors).map((id) => ({
      id: Number(id), vector: vectors[id], payload: { n: values[id] },
    })),
  });
});

after(async () => {
  capture.restore();
  await client.deleteCollection(name).catch(() => {});
  await server.stop();
});

test('distance matrix pairs and offsets match the oracle', async () => {
  const ids = Object.keys(vectors).map(Number);
  const nearest = (a, limit) => ids.filter((b) => b !== a)
    .map((b) => ({ b, score: dot(vectors[a], vectors[b]) }))
    .sort((x, y) => y.score - x.score).slice(0, limit);
  const { pairs } = await client.searchMatrixPairs(name, { sample: 8, limit: 2 });
  const expected = ids.flatMap((a) => nearest(a, 2).map(({ b, score }) => ({ a, b, score })));
  assert.deepEqual(pairs.map((p) => [p.a, p.b]), expected.map((p) => [p.a, p.b]));
  pairs.forEach((p, i) => assert.ok(Math.abs(p.score - expected[i].score) < 1e-5));
  const offsets = await client.searchMatrixOffsets(name, { sample: 8, limit: 1 });
  assert.deepEqual(offsets.ids, ids);
  assert.deepEqual(offsets.offsets_row, ids.map((_, row) => row));
  assert.deepEqual(offsets.offsets_col, ids.map((a) => ids.indexOf(nearest(a, 1)[0].b)));
});

test('scroll with order_by lists a point once per value', async () => {
  const pairs = Object.entries(values)
    .flatMap(([id, v]) => (Array.isArray(v) ? v : [v]).map((value) => [value, Number(id)]))
    .sort((x, y) => y[0] - x[0]);
  const { points } = await client.scroll(name, {
    limit: 100, order_by: { key: 'n', direction: 'desc' },
  });
  assert.deepEqual(points.map((p) => [p.order_value, p.id]), pairs);
});

test('createVectorName and deleteVectorName change the collection', async () => {
  const created = await client.createVectorName(name, 'extra', {
    dense: { size: 2, distance: 'Euclid' },
  });
  assert.equal(created.status, 'completed');
  let info = await client.getCollection(name);
  assert.deepEqual(Object.keys(info.config.params.vectors).sort(), ['', 'extra']);
  await client.updateVectors(name, { wait: true, points: [{ id: 2, vector: { extra: [1, 2] } }] });
  const [record] = await client.retrieve(name, { ids: [2], with_vector: ['extra'] });
  assert.deepEqual(record.vector, { extra: [1, 2] });
  await client.deleteVectorName(name, 'extra');
  info = await client.getCollection(name);
  assert.deepEqual(Object.keys(info.config.params.vectors), ['']);
});
