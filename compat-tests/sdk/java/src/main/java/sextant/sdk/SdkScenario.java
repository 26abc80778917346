package sextant.sdk;

import static io.qdrant.client.ConditionFactory.matchKeyword;
import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.QueryFactory.nearest;
import static io.qdrant.client.ValueFactory.value;
import static io.qdrant.client.VectorsFactory.vectors;
import static io.qdrant.client.WithPayloadSelectorFactory.enable;

import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.PayloadSchemaType;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.QueryPoints;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScoredPoint;
import io.qdrant.client.grpc.Points.ScrollPoints;
import io.qdrant.client.grpc.Points.ScrollResponse;
import io.qdrant.client.grpc.Points.UpdateResult;
import io.qdrant.client.grpc.Points.UpdateStatus;
import io.qdrant.client.grpc.SnapshotsService.SnapshotDescription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs the Java SDK scenario against a server's gRPC port.
 *
 * <p>Role: prove that the official Java client (io.qdrant:client, which speaks only gRPC) works
 * unchanged against the server: create a collection, upsert points with payload, create a payload
 * index, query with a filter (ids, order and scores), scroll, count, create and list a snapshot,
 * delete points, delete the snapshot and the collection.
 *
 * <p>Usage: SdkScenario [--addr host:port] [--api-key KEY] (defaults from QDRANT_GRPC_ADDR, else
 * 127.0.0.1:6334, and QDRANT_API_KEY).
 *
 * <p>Invariants: a failed check exits with status 1 and one line naming the step, what was
 * expected and what came back; the collection carries a random name and is deleted even when a
 * check fails.
 */
public final class SdkScenario {
  private static final int POINTS_COUNT = 10;

  private final QdrantClient client;
  private final String collection;

  private SdkScenario(QdrantClient client, String collection) {
    this.client = client;
    this.collection = collection;
  }

  /** A mismatch found by one step. */
  private static final class Mismatch extends Exception {
    Mismatch(String message) {
      super(message);
    }
  }

  private static void check(boolean condition, String message) throws Mismatch {
    if (!condition) {
      throw new Mismatch(message);
    }
  }

  /** Even ids live in "Berlin", odd ids in "London". */
  private static String cityOf(long id) {
    return id % 2 == 0 ? "Berlin" : "London";
  }

  private static Filter cityFilter(String city) {
    return Filter.newBuilder().addMust(matchKeyword("city", city)).build();
  }

  private void healthCheck() throws Exception {
    String version = client.healthCheckAsync().get().getVersion();
    check(!version.isEmpty(), "empty version");
  }

  private void createCollection() throws Exception {
    client
        .createCollectionAsync(
            collection,
            VectorParams.newBuilder().setSize(4).setDistance(Distance.Dot).build())
        .get();
    check(client.collectionExistsAsync(collection).get(), collection + " does not exist");
  }

  /** Ids 1..10 with vector [id, 1, 0, 0]: a Dot query [1, 0, 0, 0] scores each exactly its id. */
  private void upsertPoints() throws Exception {
    List<PointStruct> points = new ArrayList<>();
    for (long id = 1; id <= POINTS_COUNT; id++) {
      points.add(
          PointStruct.newBuilder()
              .setId(id(id))
              .setVectors(vectors((float) id, 1f, 0f, 0f))
              .putAllPayload(Map.of("city", value(cityOf(id)), "rank", value(id)))
              .build());
    }
    UpdateResult result = client.upsertAsync(collection, points).get();
    check(result.getStatus() == UpdateStatus.Completed, "status " + result.getStatus());
  }

  private void createPayloadIndex() throws Exception {
    client
        .createPayloadIndexAsync(
            collection, "city", PayloadSchemaType.Keyword, null, true, null, null)
        .get();
    CollectionInfo info = client.getCollectionInfoAsync(collection).get();
    check(
        info.getPayloadSchemaMap().containsKey("city")
            && info.getPayloadSchemaMap().get("city").getDataType() == PayloadSchemaType.Keyword,
        "payload_schema " + info.getPayloadSchemaMap() + " has no keyword index on city");
  }

  private void queryWithFilter() throws Exception {
    List<ScoredPoint> hits =
        client
            .queryAsync(
                QueryPoints.newBuilder()
                    .setCollectionName(collection)
                    .setQuery(nearest(1f, 0f, 0f, 0f))
                    .setFilter(cityFilter("Berlin"))
                    .setLimit(3)
                    .setWithPayload(enable(true))
                    .build())
            .get();
    long[] want = {10, 8, 6};
    check(hits.size() == want.length, hits.size() + " hits, want 3: " + hits);
    for (int position = 0; position < want.length; position++) {
      ScoredPoint hit = hits.get(position);
      check(
          hit.getId().getNum() == want[position] && hit.getScore() == (float) want[position],
          "hit " + position + " is id " + hit.getId().getNum() + " score " + hit.getScore()
              + ", want " + want[position]);
      check(
          hit.getPayloadMap().get("city").getStringValue().equals("Berlin"),
          "hit " + position + " has payload " + hit.getPayloadMap());
    }
  }

  private void scroll() throws Exception {
    ScrollResponse response =
        client
            .scrollAsync(
                ScrollPoints.newBuilder()
                    .setCollectionName(collection)
                    .setFilter(cityFilter("London"))
                    .setLimit(3)
                    .setWithPayload(enable(true))
                    .build())
            .get();
    long[] want = {1, 3, 5};
    check(response.getResultCount() == want.length, response.getResultCount() + " points");
    for (int position = 0; position < want.length; position++) {
      RetrievedPoint point = response.getResult(position);
      long rank = point.getPayloadMap().get("rank").getIntegerValue();
      check(
          point.getId().getNum() == want[position] && rank == want[position],
          "point " + position + " is id " + point.getId().getNum() + " rank " + rank);
    }
    check(
        response.getNextPageOffset().getNum() == 7,
        "next_page_offset " + response.getNextPageOffset() + ", want 7");
  }

  private void count() throws Exception {
    long total = client.countAsync(collection, null, true).get();
    long berlin = client.countAsync(collection, cityFilter("Berlin"), true).get();
    check(
        total == POINTS_COUNT && berlin == POINTS_COUNT / 2,
        "total " + total + " and Berlin " + berlin + ", want 10 and 5");
  }

  private void snapshot() throws Exception {
    SnapshotDescription created = client.createSnapshotAsync(collection).get();
    check(
        !created.getName().isEmpty() && created.getSize() > 0,
        "created snapshot " + created.getName() + " of size " + created.getSize());
    List<SnapshotDescription> listed = client.listSnapshotAsync(collection).get();
    check(
        listed.stream().anyMatch(listedOne -> listedOne.getName().equals(created.getName())),
        created.getName() + " not in the listed snapshots " + listed);
    client.deleteSnapshotAsync(collection, created.getName()).get();
  }

  private void deletePoints() throws Exception {
    client.deleteAsync(collection, List.of(id(1), id(2), id(3))).get();
    long remaining = client.countAsync(collection, null, true).get();
    check(remaining == POINTS_COUNT - 3, remaining + " points remain, want 7");
    List<PointId> ids = List.of(id(2), id(4));
    List<RetrievedPoint> got = client.retrieveAsync(collection, ids, false, false, null).get();
    check(
        got.size() == 1 && got.get(0).getId().getNum() == 4,
        "get [2, 4] returned " + got.size() + " points, want only 4");
  }

  private void deleteCollection() throws Exception {
    client.deleteCollectionAsync(collection).get();
    check(!client.collectionExistsAsync(collection).get(), collection + " still exists");
  }

  /** One named step of the scenario. */
  private interface Step {
    void run() throws Exception;
  }

  private int execute() throws Exception {
    Map<String, Step> steps = new java.util.LinkedHashMap<>();
    steps.put("health check", this::healthCheck);
    steps.put("create collection", this::createCollection);
    steps.put("upsert points", this::upsertPoints);
    steps.put("create payload index", this::createPayloadIndex);
    steps.put("query with filter", this::queryWithFilter);
    steps.put("scroll", this::scroll);
    steps.put("count", this::count);
    steps.put("snapshot", this::snapshot);
    steps.put("delete points", this::deletePoints);
    steps.put("delete collection", this::deleteCollection);
    for (Map.Entry<String, Step> step : steps.entrySet()) {
      try {
        step.getValue().run();
      } catch (Exception error) {
        throw new Exception(step.getKey() + ": " + error.getMessage(), error);
      }
      System.out.println("sdk-java: " + step.getKey() + ": ok");
    }
    return steps.size();
  }

  public static void main(String[] arguments) {
    String addr = System.getenv().getOrDefault("QDRANT_GRPC_ADDR", "127.0.0.1:6334");
    String apiKey = System.getenv("QDRANT_API_KEY");
    for (int i = 0; i + 1 < arguments.length; i += 2) {
      if (arguments[i].equals("--addr")) {
        addr = arguments[i + 1];
      } else if (arguments[i].equals("--api-key")) {
        apiKey = arguments[i + 1];
      }
    }
    int colon = addr.lastIndexOf(':');
    QdrantGrpcClient.Builder builder =
        QdrantGrpcClient.newBuilder(
                addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1)), false)
            .withTimeout(Duration.ofSeconds(60));
    if (apiKey != null && !apiKey.isEmpty()) {
      builder = builder.withApiKey(apiKey);
    }
    String collection = String.format("sdk_java_%08x", ThreadLocalRandom.current().nextInt());
    int status = 0;
    long started = System.nanoTime();
    try (QdrantClient client = new QdrantClient(builder.build())) {
      SdkScenario scenario = new SdkScenario(client, collection);
      try {
        int steps = scenario.execute();
        System.out.printf(
            "sdk-java: OK (%s, %d steps, %d ms)%n",
            addr, steps, (System.nanoTime() - started) / 1_000_000);
      } catch (Exception error) {
        System.err.println("sdk-java: FAILED: " + error.getMessage());
        status = 1;
      } finally {
        try {
          client.deleteCollectionAsync(collection).get();
        } catch (Exception ignored) {
          // Already deleted by the scenario, or the server is gone: nothing to clean.
        }
      }
    }
    System.exit(status);
  }
}
