// The official JS client's shard-key calls on a custom-sharded collection: createShardKey,
// upsert and query with shard_key, collectionClusterInfo, deleteShardKey.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { QdrantClient } from '@qdrant/js-client-rest';
import { captureWarnings, startServer, uniqueName } from './server.mjs';

let server;
let client;
let capture;
const name = uniqueName('jsshards');

before(async () => {
  server = await startServer();
  capture = captureWarnings();
  client = new QdrantClient({ url: server.url, apiKey: server.apiKey });
  await client.createCollection(name, {
    vectors: { size: 2, distance: 'Dot' },
    sharding_method: 'custom',
  });
});

after(async () => {
  capture.restore();
  await client.deleteCollection(name).catch(() => {});
  await server.stop();
});

test('shard keys partition the points written and read with them', async () => {
  assert.equal(await client.createShardKey(name, { shard_key: 'tenant_1' }), true);
  assert.equal(await client.createShardKey(name, { shard_key: 'tenant_2', shards_number: 2 }), true);
  await client.upsert(name, {
    wait: true,
    shard_key: 'tenant_1',
    points: [
      { id: 1, vector: [1, 0] },
      { id: 2, vector: [0.5, 0.5] },
    ],
  });
  await client.upsert(name, { wait: true, shard_key: 'tenant_2', points: [{ id: 3, vector: [1, 1] }] });

  const hits = await client.query(name, { query: [1, 0], shard_key: 'tenant_1' });
  assert.deepEqual(hits.points.map((p) => p.id).sort(), [1, 2]);
  assert.ok(hits.points.every((p) => p.shard_key === 'tenant_1'));

  const cluster = await client.collectionClusterInfo(name);
  const counts = {};
  for (const shard of cluster.local_shards)
    counts[shard.shard_key] = (counts[shard.shard_key] ?? 0) + shard.points_count;
  assert.deepEqual(counts, { tenant_1: 2, tenant_2: 1 });

  assert.equal(await client.deleteShardKey(name, { shard_key: 'tenant_1' }), true);
  assert.equal((await client.count(name, { exact: true })).count, 1);
});
