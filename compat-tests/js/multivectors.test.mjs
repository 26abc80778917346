// The official JS client with multi-vectors (max_sim) and vector datatypes: scores computed here
// with Qdrant's formulas (per-row Cosine normalisation, sum over query rows of the best raw
// similarity; uint8 values truncated toward zero and clamped to 0..255).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { QdrantClient } from '@qdrant/js-client-rest';
import { captureWarnings, startServer, uniqueName } from './server.mjs';

let server;
let client;
let capture;
const name = uniqueName('jsmulti');
const rows = {
  1: [[0.9, 0.1, 0.0], [0.1, 0.8, 0.3]],
  2: [[0.0, 0.2, 1.0]],
  3: [[0.5, 0.5, 0.5], [1.0, -1.0, 0.0], [0.2, 0.1, 0.9]],
};
// Not integers: Qdrant reads a two-row array whose first row is all non-negative integers as a
// sparse vector {indices, values}.
const query = [[0.9, 0.1, 0.0], [0.0, 0.2, 0.8]];

const unit = (v) => {
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return norm > 0 ? v.map((x) => x / norm) : v;
};
const dot = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);
const maxSim = (q, stored) =>
  q.reduce((sum, row) => sum + Math.max(...stored.map((s) => dot(unit(row), unit(s)))), 0);

before(async () => {
  server = await startServer();
  capture = captureWarnings();
  client = new QdrantClient({ url: server.url, apiKey: server.apiKey });
  await client.createCollection(name, {
    vectors: {
      colbert: { size: 3, distance: 'Cosine', multivector_config: { comparator: 'max_sim' } },
      bytes: { size: 3, distance: 'Dot', datatype: 'uint8' },
    },
  });
  const result = await client.upsert(name, {
    wait: true,
    points: Object.entries(rows).map(([id, r]) => ({
      id: Number(id),
      vector: { colbert: r, bytes: [256.5 * Number(id), 3.9, -2] },
    })),
  });
  assert.equal(result.status, 'completed');
});

after(async () => {
  capture.restore();
  await client.deleteCollection(name).catch(() => {});
  await server.stop();
});

test('max_sim search scores as Qdrant', async () => {
  const { points } = await client.query(name, { query, using: 'colbert', limit: 3 });
  const expected = Object.entries(rows)
    .map(([id, r]) => [Number(id), maxSim(query, r)])
    .sort((a, b) => b[1] - a[1]);
  assert.deepEqual(points.map((p) => p.id), expected.map(([id]) => id));
  points.forEach((p, i) => assert.ok(Math.abs(p.score - expected[i][1]) < 1e-5));
});

test('uint8 vectors come back truncated and clamped', async () => {
  const records = await client.retrieve(name, { ids: [1], with_vector: ['bytes'] });
  assert.deepEqual(records[0].vector.bytes, [255, 3, 0]);
});
