// The official JS client doing a points flow: upsert, retrieve, query, scroll, count, payload, delete.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { QdrantClient } from '@qdrant/js-client-rest';
import { captureWarnings, startServer, uniqueName } from './server.mjs';

let server;
let client;
let capture;
const name = uniqueName('jspoints');
const uuid = '5c56c793-69f3-4fbf-87e6-c4bf54c28c26';

before(async () => {
  server = await startServer();
  capture = captureWarnings();
  client = new QdrantClient({ url: server.url, apiKey: server.apiKey });
  await client.createCollection(name, { vectors: { size: 3, distance: 'Dot' } });
  const result = await client.upsert(name, {
    wait: true,
    points: [
      { id: 1, vector: [1, 0, 0], payload: { color: 'red', price: 10 } },
      { id: 2, vector: [0, 1, 0], payload: { color: 'blue', price: 20 } },
      { id: 3, vector: [0, 0, 1], payload: { color: 'red', price: 30 } },
      { id: uuid, vector: [1, 1, 0], payload: { color: 'green', price: 40 } },
    ],
  });
  assert.equal(result.status, 'completed');
});

after(async () => {
  capture.restore();
  await client.deleteCollection(name).catch(() => {});
  await server.stop();
});

test('retrieve returns payload and vectors', async () => {
  const records = await client.retrieve(name, { ids: [1, uuid], with_vector: true });
  const byId = Object.fromEntries(records.map((r) => [String(r.id), r]));
  assert.deepEqual(byId['1'].payload, { color: 'red', price: 10 });
  assert.deepEqual(byId[uuid].vector, [1, 1, 0]);
});

test('query orders by score and applies filters', async () => {
  const { points } = await client.query(name, { query: [1, 0.5, 0], limit: 2 });
  assert.deepEqual(points.map((p) => p.id), [uuid, 1]);
  assert.equal(points[0].score, 1.5);
  const red = await client.query(name, {
    query: [0, 0, 1],
    filter: { must: [{ key: 'color', match: { value: 'red' } }] },
    with_payload: true,
    limit: 5,
  });
  assert.deepEqual(red.points.map((p) => p.id), [3, 1]);
  assert.equal(red.points[0].payload.price, 30);
});

test('scroll pages through every point', async () => {
  const first = await client.scroll(name, { limit: 2 });
  assert.deepEqual(first.points.map((p) => p.id), [1, 2]);
  assert.equal(first.next_page_offset, 3);
  const rest = await client.scroll(name, { limit: 2, offset: first.next_page_offset });
  assert.deepEqual(rest.points.map((p) => p.id), [3, uuid]);
  assert.equal(rest.next_page_offset ?? null, null);
});

test('count with a range filter', async () => {
  assert.deepEqual(await client.count(name, { exact: true }), { count: 4 });
  const expensive = await client.count(name, {
    exact: true,
    filter: { must: [{ key: 'price', range: { gte: 20 } }] },
  });
  assert.equal(expensive.count, 3);
});

test('set payload, then delete by id and by filter', async () => {
  await client.setPayload(name, { wait: true, payload: { sold: true }, points: [2] });
  const sold = await client.count(name, {
    exact: true,
    filter: { must: [{ key: 'sold', match: { value: true } }] },
  });
  assert.equal(sold.count, 1);
  await client.delete(name, { wait: true, points: [1] });
  await client.delete(name, {
    wait: true,
    filter: { must: [{ key: 'color', match: { value: 'green' } }] },
  });
  const { points } = await client.scroll(name, { limit: 10 });
  assert.deepEqual(points.map((p) => p.id), [2, 3]);
});

test('the client printed no warning', () => {
  assert.deepEqual(capture.warnings, []);
});
