// Command sdk-go runs the Go SDK scenario against a server's gRPC port.
//
// Role: prove that the official Go client (github.com/qdrant/go-client, which speaks only gRPC)
// works unchanged against the server: create a collection, upsert points with payload, create a
// payload index, query with a filter (ids, order and scores), scroll, count, create and list a
// snapshot, delete points, delete the snapshot and the collection.
//
// Usage: sdk-go [-addr host:port] [-api-key KEY]
// (defaults from QDRANT_GRPC_ADDR, else 127.0.0.1:6334, and QDRANT_API_KEY).
//
// Invariants: every check that fails exits with status 1 and one line naming the step, what was
// expected and what came back; the collection it creates carries a random name and is deleted
// even when a check fails.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/qdrant/go-client/qdrant"
)

const (
	vectorSize  = 4
	pointsCount = 10
)

// scenario holds the client and the collection one run works on.
type scenario struct {
	client     *qdrant.Client
	collection string
}

// stepError names the step of the scenario that found a mismatch.
type stepError struct {
	step   string
	detail string
}

func (e *stepError) Error() string { return e.step + ": " + e.detail }

func fail(step string, format string, args ...any) error {
	return &stepError{step: step, detail: fmt.Sprintf(format, args...)}
}

func main() {
	addr := flag.String("addr", envOr("QDRANT_GRPC_ADDR", "127.0.0.1:6334"), "gRPC host:port")
	apiKey := flag.String("api-key", os.Getenv("QDRANT_API_KEY"), "api-key sent with every call")
	flag.Parse()

	client, err := connect(*addr, *apiKey)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sdk-go: connect:", err)
		os.Exit(1)
	}
	defer client.Close()

	run := &scenario{client: client, collection: fmt.Sprintf("sdk_go_%08x", rand.Uint32())}
	started := time.Now()
	err = run.execute()
	run.cleanup()
	if err != nil {
		fmt.Fprintln(os.Stderr, "sdk-go: FAILED:", err)
		os.Exit(1)
	}
	fmt.Printf("sdk-go: OK (%s, %d steps, %s)\n", *addr, len(steps), time.Since(started).Round(time.Millisecond))
}

func envOr(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}

func connect(addr, apiKey string) (*qdrant.Client, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return nil, fmt.Errorf("port %q: %w", portText, err)
	}
	return qdrant.NewClient(&qdrant.Config{Host: host, Port: port, APIKey: apiKey, PoolSize: 1})
}

// steps is the scenario, in order; each step depends on the ones before it.
var steps = []struct {
	name string
	run  func(*scenario, context.Context) error
}{
	{"health check", (*scenario).healthCheck},
	{"create collection", (*scenario).createCollection},
	{"upsert points", (*scenario).upsertPoints},
	{"create payload index", (*scenario).createPayloadIndex},
	{"query with filter", (*scenario).queryWithFilter},
	{"scroll", (*scenario).scroll},
	{"count", (*scenario).count},
	{"snapshot", (*scenario).snapshot},
	{"delete points", (*scenario).deletePoints},
	{"delete collection", (*scenario).deleteCollection},
}

func (s *scenario) execute() error {
	for _, step := range steps {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		err := step.run(s, ctx)
		cancel()
		if err != nil {
			if _, named := err.(*stepError); !named {
				err = fail(step.name, "%v", err)
			}
			return err
		}
		fmt.Printf("sdk-go: %s: ok\n", step.name)
	}
	return nil
}

func (s *scenario) cleanup() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = s.client.DeleteCollection(ctx, s.collection)
}

func (s *scenario) healthCheck(ctx context.Context) error {
	reply, err := s.client.HealthCheck(ctx)
	if err != nil {
		return err
	}
	if reply.GetVersion() == "" {
		return fail("health check", "empty version in %v", reply)
	}
	return nil
}

func (s *scenario) createCollection(ctx context.Context) error {
	err := s.client.CreateCollection(ctx, &qdrant.CreateCollection{
		CollectionName: s.collection,
		VectorsConfig: qdrant.NewVectorsConfig(&qdrant.VectorParams{
			Size: vectorSize, Distance: qdrant.Distance_Dot,
		}),
	})
	if err != nil {
		return err
	}
	exists, err := s.client.CollectionExists(ctx, s.collection)
	if err != nil {
		return err
	}
	if !exists {
		return fail("create collection", "collection %s does not exist after creation", s.collection)
	}
	return nil
}

// cityOf gives even ids "Berlin" and odd ids "London".
func cityOf(id uint64) string {
	if id%2 == 0 {
		return "Berlin"
	}
	return "London"
}

// upsertPoints writes ids 1..10 with vector [id, 1, 0, 0]: a Dot query with [1, 0, 0, 0] scores
// each point exactly its id.
func (s *scenario) upsertPoints(ctx context.Context) error {
	points := make([]*qdrant.PointStruct, 0, pointsCount)
	for id := uint64(1); id <= pointsCount; id++ {
		points = append(points, &qdrant.PointStruct{
			Id:      qdrant.NewIDNum(id),
			Vectors: qdrant.NewVectors(float32(id), 1, 0, 0),
			Payload: qdrant.NewValueMap(map[string]any{"city": cityOf(id), "rank": int64(id)}),
		})
	}
	result, err := s.client.Upsert(ctx, &qdrant.UpsertPoints{
		CollectionName: s.collection, Wait: qdrant.PtrOf(true), Points: points,
	})
	if err != nil {
		return err
	}
	if result.GetStatus() != qdrant.UpdateStatus_Completed {
		return fail("upsert points", "status %v, want Completed", result.GetStatus())
	}
	return nil
}

func (s *scenario) createPayloadIndex(ctx context.Context) error {
	result, err := s.client.CreateFieldIndex(ctx, &qdrant.CreateFieldIndexCollection{
		CollectionName: s.collection,
		Wait:           qdrant.PtrOf(true),
		FieldName:      "city",
		FieldType:      qdrant.FieldType_FieldTypeKeyword.Enum(),
	})
	if err != nil {
		return err
	}
	if result.GetStatus() != qdrant.UpdateStatus_Completed {
		return fail("create payload index", "status %v, want Completed", result.GetStatus())
	}
	info, err := s.client.GetCollectionInfo(ctx, s.collection)
	if err != nil {
		return err
	}
	schema, found := info.GetPayloadSchema()["city"]
	if !found || schema.GetDataType() != qdrant.PayloadSchemaType_Keyword {
		return fail("create payload index", "payload_schema %v has no keyword index on city",
			info.GetPayloadSchema())
	}
	return nil
}

func berlinFilter() *qdrant.Filter {
	return &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewMatchKeyword("city", "Berlin")}}
}

func (s *scenario) queryWithFilter(ctx context.Context) error {
	hits, err := s.client.Query(ctx, &qdrant.QueryPoints{
		CollectionName: s.collection,
		Query:          qdrant.NewQuery(1, 0, 0, 0),
		Filter:         berlinFilter(),
		Limit:          qdrant.PtrOf(uint64(3)),
		WithPayload:    qdrant.NewWithPayload(true),
	})
	if err != nil {
		return err
	}
	want := []uint64{10, 8, 6}
	if len(hits) != len(want) {
		return fail("query with filter", "%d hits, want %d: %v", len(hits), len(want), hits)
	}
	for position, hit := range hits {
		id := hit.GetId().GetNum()
		if id != want[position] || hit.GetScore() != float32(want[position]) {
			return fail("query with filter", "hit %d is id %d score %v, want id %d score %d",
				position, id, hit.GetScore(), want[position], want[position])
		}
		if city := hit.GetPayload()["city"].GetStringValue(); city != "Berlin" {
			return fail("query with filter", "hit %d has city %q, want Berlin", position, city)
		}
	}
	return nil
}

func (s *scenario) scroll(ctx context.Context) error {
	points, next, err := s.client.ScrollAndOffset(ctx, &qdrant.ScrollPoints{
		CollectionName: s.collection,
		Filter: &qdrant.Filter{Must: []*qdrant.Condition{
			qdrant.NewMatchKeyword("city", "London"),
		}},
		Limit:       qdrant.PtrOf(uint32(3)),
		WithPayload: qdrant.NewWithPayload(true),
	})
	if err != nil {
		return err
	}
	want := []uint64{1, 3, 5}
	if len(points) != len(want) {
		return fail("scroll", "%d points, want %d", len(points), len(want))
	}
	for position, point := range points {
		id := point.GetId().GetNum()
		rank := point.GetPayload()["rank"].GetIntegerValue()
		if id != want[position] || rank != int64(want[position]) {
			return fail("scroll", "point %d is id %d rank %d, want %d", position, id, rank, want[position])
		}
	}
	if next.GetNum() != 7 {
		return fail("scroll", "next_page_offset %v, want 7", next)
	}
	return nil
}

func (s *scenario) count(ctx context.Context) error {
	total, err := s.client.Count(ctx, &qdrant.CountPoints{
		CollectionName: s.collection, Exact: qdrant.PtrOf(true),
	})
	if err != nil {
		return err
	}
	berlin, err := s.client.Count(ctx, &qdrant.CountPoints{
		CollectionName: s.collection, Filter: berlinFilter(), Exact: qdrant.PtrOf(true),
	})
	if err != nil {
		return err
	}
	if total != pointsCount || berlin != pointsCount/2 {
		return fail("count", "total %d and Berlin %d, want %d and %d", total, berlin, pointsCount,
			pointsCount/2)
	}
	return nil
}

func (s *scenario) snapshot(ctx context.Context) error {
	created, err := s.client.CreateSnapshot(ctx, s.collection)
	if err != nil {
		return err
	}
	if created.GetName() == "" || created.GetSize() <= 0 {
		return fail("snapshot", "created snapshot has name %q size %d", created.GetName(),
			created.GetSize())
	}
	listed, err := s.client.ListSnapshots(ctx, s.collection)
	if err != nil {
		return err
	}
	found := false
	for _, description := range listed {
		found = found || description.GetName() == created.GetName()
	}
	if !found {
		return fail("snapshot", "%s not in the listed snapshots %v", created.GetName(), listed)
	}
	return s.client.DeleteSnapshot(ctx, s.collection, created.GetName())
}

func (s *scenario) deletePoints(ctx context.Context) error {
	_, err := s.client.Delete(ctx, &qdrant.DeletePoints{
		CollectionName: s.collection,
		Wait:           qdrant.PtrOf(true),
		Points: qdrant.NewPointsSelector(
			qdrant.NewIDNum(1), qdrant.NewIDNum(2), qdrant.NewIDNum(3)),
	})
	if err != nil {
		return err
	}
	remaining, err := s.client.Count(ctx, &qdrant.CountPoints{
		CollectionName: s.collection, Exact: qdrant.PtrOf(true),
	})
	if err != nil {
		return err
	}
	if remaining != pointsCount-3 {
		return fail("delete points", "%d points remain, want %d", remaining, pointsCount-3)
	}
	got, err := s.client.Get(ctx, &qdrant.GetPoints{
		CollectionName: s.collection,
		Ids:            []*qdrant.PointId{qdrant.NewIDNum(2), qdrant.NewIDNum(4)},
	})
	if err != nil {
		return err
	}
	if len(got) != 1 || got[0].GetId().GetNum() != 4 {
		return fail("delete points", "get [2, 4] returned %v, want only 4", got)
	}
	return nil
}

func (s *scenario) deleteCollection(ctx context.Context) error {
	if err := s.client.DeleteCollection(ctx, s.collection); err != nil {
		return err
	}
	exists, err := s.client.CollectionExists(ctx, s.collection)
	if err != nil {
		return err
	}
	if exists {
		return fail("delete collection", "%s still exists", s.collection)
	}
	return nil
}
