// The official JS client (@qdrant/js-client-rest, pinned) driving snapshots: create, list,
// download, delete the collection, recover (from an http:// URL and by multipart upload), and
// find identical search results.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { QdrantClient } from '@qdrant/js-client-rest';
import { captureWarnings, startServer, uniqueName } from './server.mjs';

let server;
let client;
let capture;

before(async () => {
  server = await startServer();
  capture = captureWarnings();
  client = new QdrantClient({ url: server.url, apiKey: server.apiKey });
  await new Promise((r) => setTimeout(r, 200)); // let the client's version check finish
});

after(async () => {
  capture.restore();
  await server.stop();
});

const headers = () => (server.apiKey ? { 'api-key': server.apiKey } : {});
const query = {
  query: [0.3, 0.8, 0.1, 0.5],
  limit: 6,
  with_payload: true,
  with_vector: true,
  filter: { must: [{ key: 'city', match: { value: 'Oslo' } }] },
};

async function filledCollection() {
  const name = uniqueName('jssnap');
  await client.createCollection(name, { vectors: { size: 4, distance: 'Cosine' } });
  await client.createPayloadIndex(name, { field_name: 'city', field_schema: 'keyword', wait: true });
  const points = [];
  for (let i = 1; i <= 40; i++) {
    points.push({
      id: i,
      vector: [(i % 7) / 7, (i % 5) / 5, 1, (i % 3) / 3],
      payload: { city: i % 2 ? 'Oslo' : 'Lima', n: i },
    });
  }
  await client.upsert(name, { wait: true, points });
  return name;
}

async function download(name, snapshotName) {
  const response = await fetch(`${server.url}/collections/${name}/snapshots/${snapshotName}`, {
    headers: headers(),
  });
  assert.equal(response.status, 200);
  return Buffer.from(await response.arrayBuffer());
}

test('snapshot round trip through an http:// recover location', async () => {
  const name = await filledCollection();
  const before = await client.query(name, query);
  assert.equal(before.points.length, 6);
  const created = await client.createSnapshot(name, { wait: true });
  const listed = await client.listSnapshots(name);
  const entry = listed.find((s) => s.name === created.name);
  assert.ok(entry);
  const bytes = await download(name, created.name);
  assert.equal(bytes.length, entry.size);
  assert.equal(createHash('sha256').update(bytes).digest('hex'), entry.checksum);

  const files = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(bytes);
  });
  await new Promise((r) => files.listen(0, '127.0.0.1', r));
  try {
    await client.deleteCollection(name);
    const location = `http://127.0.0.1:${files.address().port}/${created.name}`;
    assert.equal(await client.recoverSnapshot(name, { location, checksum: entry.checksum }), true);
    assert.deepEqual(await client.query(name, query), before);
  } finally {
    files.close();
    assert.equal(await client.deleteSnapshot(name, created.name), true);
    await client.deleteCollection(name);
  }
  assert.deepEqual(capture.warnings, []);
});

test('snapshot round trip through a multipart upload', async () => {
  const name = await filledCollection();
  const before = await client.query(name, query);
  assert.equal(before.points.length, 6);
  const created = await client.createSnapshot(name, { wait: true });
  const bytes = await download(name, created.name);
  await client.deleteCollection(name);

  const form = new FormData();
  form.append('snapshot', new Blob([bytes]), created.name);
  const url = `${server.url}/collections/${name}/snapshots/upload?priority=snapshot&checksum=${created.checksum}`;
  const response = await fetch(url, { method: 'POST', body: form, headers: headers() });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  assert.equal(body.result, true);
  assert.deepEqual(await client.query(name, query), before);

  const again = new FormData();
  again.append('snapshot', new Blob([bytes]), created.name);
  const wrong = await fetch(`${server.url}/collections/${name}/snapshots/upload?checksum=${'0'.repeat(64)}`, {
    method: 'POST',
    body: again,
    headers: headers(),
  });
  assert.equal(wrong.status, 400);
  assert.match((await wrong.json()).status.error, /^Checksum mismatch/);
  await client.deleteCollection(name);
});
