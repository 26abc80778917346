// The official JS client (@qdrant/js-client-rest, pinned) setting strict mode through its
// updateCollection call: the limit applies at once, refused with Qdrant's 400 and text.
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

test('updateCollection with strict_mode_config enforces max_query_limit', async () => {
  const name = uniqueName('jsstrict');
  await client.createCollection(name, { vectors: { size: 4, distance: 'Cosine' } });
  try {
    assert.equal(
      await client.updateCollection(name, {
        strict_mode_config: { enabled: true, max_query_limit: 3 },
      }),
      true,
    );
    const info = await client.getCollection(name);
    assert.equal(info.config.strict_mode_config.enabled, true);
    assert.equal(info.config.strict_mode_config.max_query_limit, 3);
    await client.query(name, { query: [0.1, 0.2, 0.3, 0.4], limit: 3 });
    await assert.rejects(client.query(name, { query: [0.1, 0.2, 0.3, 0.4], limit: 4 }), (error) => {
      assert.equal(error.status, 400);
      assert.equal(
        error.data.status.error,
        'Bad request: Limit exceeded 4 > 3 for "limit". Help: Reduce the "limit" parameter to or below 3.',
      );
      return true;
    });
  } finally {
    await client.deleteCollection(name);
  }
  assert.deepEqual(capture.warnings, []);
});
