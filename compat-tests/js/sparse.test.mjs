// The official JS client with sparse vectors: a collection with the `idf` modifier, unsorted
// upserts read back sorted, and query scores equal to Qdrant's formula (dot product over shared
// dimensions, query weights times ln((n - df + 0.5) / (df + 0.5) + 1)) computed here.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { QdrantClient } from '@qdrant/js-client-rest';
import { captureWarnings, startServer, uniqueName } from './server.mjs';

let server;
let client;
let capture;
const name = uniqueName('jssparse');

const points = [
  { id: 1, vector: { text: { indices: [7, 1, 3], values: [0.5, 1.0, 2.0] } } },
  { id: 2, vector: { text: { indices: [3, 9], values: [1.5, 0.25] } } },
  { id: 3, vector: { text: { indices: [1], values: [3.0] } } },
  { id: 4, vector: { text: { indices: [12, 9, 2], values: [1.0, 1.2, 1.0] } } },
  { id: 5, vector: { text: { indices: [4], values: [1.0] } } },
];

function idfWeighted(query) {
  const n = points.length;
  return query.indices.map((index, i) => {
    const df = points.filter((p) => p.vector.text.indices.includes(index)).length;
    return query.values[i] * Math.log((n - df + 0.5) / (df + 0.5) + 1);
  });
}

function oracle(query) {
  const weights = idfWeighted(query);
  const scores = [];
  for (const p of points) {
    let score = 0;
    let shared = false;
    p.vector.text.indices.forEach((index, j) => {
      const q = query.indices.indexOf(index);
      if (q >= 0) {
        shared = true;
        score += weights[q] * p.vector.text.values[j];
      }
    });
    if (shared) scores.push({ id: p.id, score });
  }
  return scores.sort((a, b) => b.score - a.score);
}

before(async () => {
  server = await startServer();
  capture = captureWarnings();
  client = new QdrantClient({ url: server.url, apiKey: server.apiKey });
  await client.createCollection(name, { sparse_vectors: { text: { modifier: 'idf' } } });
  const result = await client.upsert(name, { wait: true, points });
  assert.equal(result.status, 'completed');
});

after(async () => {
  capture.restore();
  await client.deleteCollection(name).catch(() => {});
  await server.stop();
});

test('sparse vectors come back sorted by index', async () => {
  const [record] = await client.retrieve(name, { ids: [1], with_vector: true });
  assert.deepEqual(record.vector.text, { indices: [1, 3, 7], values: [1.0, 2.0, 0.5] });
});

test('sparse query scores follow the idf-weighted dot product', async () => {
  const query = { indices: [3, 1, 9], values: [1.0, 0.5, 2.0] };
  const result = await client.query(name, { query, using: 'text', limit: 10 });
  const expected = oracle(query);
  assert.deepEqual(result.points.map((p) => p.id), expected.map((e) => e.id));
  result.points.forEach((p, i) => {
    assert.ok(Math.abs(p.score - expected[i].score) < 1e-4 * Math.max(1, Math.abs(expected[i].score)));
  });
  assert.ok(!result.points.some((p) => p.id === 5), 'a point sharing no dimension is not a hit');
});
