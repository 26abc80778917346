// The official JS client (@qdrant/js-client-rest, pinned) driving collections and aliases.
import assert from 'node:assert/strict';
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

test('create, list, inspect, update and delete a collection', async () => {
  const name = uniqueName('jsclient');
  assert.equal(
    await client.createCollection(name, {
      vectors: { size: 8, distance: 'Cosine' },
      hnsw_config: { m: 20 },
    }),
    true,
  );
  assert.deepEqual(await client.collectionExists(name), { exists: true });
  const { collections } = await client.getCollections();
  assert.ok(collections.some((c) => c.name === name));
  const info = await client.getCollection(name);
  assert.equal(info.status, 'green');
  assert.equal(info.points_count, 0);
  assert.equal(info.config.params.vectors.size, 8);
  assert.equal(info.config.params.vectors.distance, 'Cosine');
  assert.equal(info.config.hnsw_config.m, 20);
  assert.equal(
    await client.updateCollection(name, { optimizers_config: { indexing_threshold: 4321 } }),
    true,
  );
  assert.equal((await client.getCollection(name)).config.optimizer_config.indexing_threshold, 4321);
  assert.equal(await client.deleteCollection(name), true);
  assert.deepEqual(await client.collectionExists(name), { exists: false });
});

test('creating an existing collection is rejected with 409', async () => {
  const name = uniqueName('jsclient');
  await client.createCollection(name, { vectors: { size: 2, distance: 'Dot' } });
  try {
    await assert.rejects(
      client.createCollection(name, { vectors: { size: 2, distance: 'Dot' } }),
      (error) => error.status === 409 && /already exists/.test(error.data.status.error),
    );
  } finally {
    await client.deleteCollection(name);
  }
});

test('aliases: create, rename, switch atomically, delete', async () => {
  const first = uniqueName('jsclient');
  const second = uniqueName('jsclient');
  const alias = uniqueName('jsalias');
  const renamed = uniqueName('jsalias');
  await client.createCollection(first, { vectors: { size: 2, distance: 'Dot' } });
  await client.createCollection(second, { vectors: { size: 3, distance: 'Dot' } });
  try {
    await client.updateCollectionAliases({
      actions: [{ create_alias: { collection_name: first, alias_name: alias } }],
    });
    assert.deepEqual((await client.getCollectionAliases(first)).aliases, [
      { alias_name: alias, collection_name: first },
    ]);
    await client.updateCollectionAliases({
      actions: [{ rename_alias: { old_alias_name: alias, new_alias_name: renamed } }],
    });
    await client.updateCollectionAliases({
      actions: [
        { delete_alias: { alias_name: renamed } },
        { create_alias: { collection_name: second, alias_name: renamed } },
      ],
    });
    const all = Object.fromEntries(
      (await client.getAliases()).aliases.map((a) => [a.alias_name, a.collection_name]),
    );
    assert.equal(all[renamed], second);
    assert.equal(all[alias], undefined);
    assert.equal((await client.getCollection(renamed)).config.params.vectors.size, 3);
    await client.updateCollectionAliases({ actions: [{ delete_alias: { alias_name: renamed } }] });
    assert.ok(!(await client.getAliases()).aliases.some((a) => a.alias_name === renamed));
  } finally {
    await client.deleteCollection(first);
    await client.deleteCollection(second);
  }
});

test('the client printed no warning', () => {
  assert.deepEqual(capture.warnings, []);
});
