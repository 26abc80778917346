//! sextant-sdk-rust: runs the Rust SDK scenario against a server's gRPC port.
//!
//! Role: prove that the official Rust client (the `qdrant-client` crate, which speaks only gRPC)
//! works unchanged against the server: create a collection, upsert points with payload, create a
//! payload index, query with a filter (ids, order and scores), scroll, count, create and list a
//! snapshot, delete points, delete the snapshot and the collection.
//!
//! Usage: sextant-sdk-rust [--addr host:port] [--api-key KEY]
//! (defaults from QDRANT_GRPC_ADDR, else 127.0.0.1:6334, and QDRANT_API_KEY).
//!
//! Invariants: every check that fails exits with status 1 and one line naming the step, what was
//! expected and what came back; the collection it creates carries a random name and is deleted
//! even when a check fails.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use qdrant_client::qdrant::{
    Condition, CountPointsBuilder, CreateCollectionBuilder, CreateFieldIndexCollectionBuilder,
    DeletePointsBuilder, DeleteSnapshotRequestBuilder, Distance, FieldType, Filter,
    GetPointsBuilder, PayloadSchemaType, PointId, PointStruct, QueryPointsBuilder,
    ScrollPointsBuilder, UpdateStatus, UpsertPointsBuilder, VectorParamsBuilder,
};
use qdrant_client::{Payload, Qdrant};

const VECTOR_SIZE: u64 = 4;
const POINTS_COUNT: u64 = 10;

/// A failed check: the step it belongs to and what differed.
type StepResult = Result<(), String>;

/// The client and the collection one run works on.
struct Scenario {
    client: Qdrant,
    collection: String,
}

struct Options {
    addr: String,
    api_key: Option<String>,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        addr: std::env::var("QDRANT_GRPC_ADDR").unwrap_or_else(|_| "127.0.0.1:6334".into()),
        api_key: std::env::var("QDRANT_API_KEY")
            .ok()
            .filter(|key| !key.is_empty()),
    };
    let mut arguments = std::env::args().skip(1);
    while let Some(flag) = arguments.next() {
        let value = arguments.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--addr" => options.addr = value,
            "--api-key" => options.api_key = Some(value),
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(options)
}

fn id_number(id: &Option<PointId>) -> Option<u64> {
    use qdrant_client::qdrant::point_id::PointIdOptions;
    match id.as_ref()?.point_id_options.as_ref()? {
        PointIdOptions::Num(number) => Some(*number),
        PointIdOptions::Uuid(_) => None,
    }
}

/// Even ids live in "Berlin", odd ids in "London".
fn city_of(id: u64) -> &'static str {
    match id % 2 {
        0 => "Berlin",
        _ => "London",
    }
}

fn city_filter(city: &str) -> Filter {
    Filter::must([Condition::matches("city", city.to_string())])
}

macro_rules! check {
    ($condition:expr, $($message:tt)+) => {
        if !$condition {
            return Err(format!($($message)+));
        }
    };
}

fn grpc<T>(result: Result<T, qdrant_client::QdrantError>) -> Result<T, String> {
    result.map_err(|error| error.to_string())
}

impl Scenario {
    async fn health_check(&self) -> StepResult {
        let reply = grpc(self.client.health_check().await)?;
        check!(!reply.version.is_empty(), "empty version in {reply:?}");
        Ok(())
    }

    async fn create_collection(&self) -> StepResult {
        grpc(
            self.client
                .create_collection(
                    CreateCollectionBuilder::new(&self.collection)
                        .vectors_config(VectorParamsBuilder::new(VECTOR_SIZE, Distance::Dot)),
                )
                .await,
        )?;
        let exists = grpc(self.client.collection_exists(&self.collection).await)?;
        check!(
            exists,
            "collection {} does not exist after creation",
            self.collection
        );
        Ok(())
    }

    /// Ids 1..10 with vector [id, 1, 0, 0]: a Dot query with [1, 0, 0, 0] scores each point
    /// exactly its id.
    async fn upsert_points(&self) -> StepResult {
        let points: Vec<PointStruct> = (1..=POINTS_COUNT)
            .map(|id| {
                let mut payload = Payload::new();
                payload.insert("city", city_of(id));
                payload.insert("rank", id as i64);
                PointStruct::new(id, vec![id as f32, 1.0, 0.0, 0.0], payload)
            })
            .collect();
        let response = grpc(
            self.client
                .upsert_points(UpsertPointsBuilder::new(&self.collection, points).wait(true))
                .await,
        )?;
        let status = response.result.map(|result| result.status);
        check!(
            status == Some(UpdateStatus::Completed as i32),
            "status {status:?}, want Completed"
        );
        Ok(())
    }

    async fn create_payload_index(&self) -> StepResult {
        grpc(
            self.client
                .create_field_index(
                    CreateFieldIndexCollectionBuilder::new(
                        &self.collection,
                        "city",
                        FieldType::Keyword,
                    )
                    .wait(true),
                )
                .await,
        )?;
        let info = grpc(self.client.collection_info(&self.collection).await)?;
        let schema = info
            .result
            .map(|info| info.payload_schema)
            .unwrap_or_default();
        let city_type = schema.get("city").map(|field| field.data_type);
        check!(
            city_type == Some(PayloadSchemaType::Keyword as i32),
            "payload_schema {schema:?} has no keyword index on city"
        );
        Ok(())
    }

    async fn query_with_filter(&self) -> StepResult {
        let response = grpc(
            self.client
                .query(
                    QueryPointsBuilder::new(&self.collection)
                        .query(vec![1.0, 0.0, 0.0, 0.0])
                        .filter(city_filter("Berlin"))
                        .limit(3)
                        .with_payload(true),
                )
                .await,
        )?;
        let want = [10u64, 8, 6];
        check!(
            response.result.len() == want.len(),
            "{} hits, want {}: {:?}",
            response.result.len(),
            want.len(),
            response.result
        );
        for (position, (hit, wanted)) in response.result.iter().zip(want).enumerate() {
            let id = id_number(&hit.id);
            check!(
                id == Some(wanted) && hit.score == wanted as f32,
                "hit {position} is id {id:?} score {}, want id {wanted} score {wanted}",
                hit.score
            );
            let city = hit
                .payload
                .get("city")
                .and_then(|value| value.as_str().cloned());
            check!(
                city.as_deref() == Some("Berlin"),
                "hit {position} has city {city:?}"
            );
        }
        Ok(())
    }

    async fn scroll(&self) -> StepResult {
        let response = grpc(
            self.client
                .scroll(
                    ScrollPointsBuilder::new(&self.collection)
                        .filter(city_filter("London"))
                        .limit(3)
                        .with_payload(true),
                )
                .await,
        )?;
        let want = [1u64, 3, 5];
        check!(
            response.result.len() == want.len(),
            "{} points, want 3",
            response.result.len()
        );
        for (position, (point, wanted)) in response.result.iter().zip(want).enumerate() {
            let id = id_number(&point.id);
            let rank = point
                .payload
                .get("rank")
                .and_then(|value| value.as_integer());
            check!(
                id == Some(wanted) && rank == Some(wanted as i64),
                "point {position} is id {id:?} rank {rank:?}, want {wanted}"
            );
        }
        let next = id_number(&response.next_page_offset);
        check!(next == Some(7), "next_page_offset {next:?}, want 7");
        Ok(())
    }

    async fn count(&self) -> StepResult {
        let total = grpc(
            self.client
                .count(CountPointsBuilder::new(&self.collection).exact(true))
                .await,
        )?;
        let berlin = grpc(
            self.client
                .count(
                    CountPointsBuilder::new(&self.collection)
                        .filter(city_filter("Berlin"))
                        .exact(true),
                )
                .await,
        )?;
        let total = total.result.map(|result| result.count);
        let berlin = berlin.result.map(|result| result.count);
        check!(
            total == Some(POINTS_COUNT) && berlin == Some(POINTS_COUNT / 2),
            "total {total:?} and Berlin {berlin:?}, want {POINTS_COUNT} and {}",
            POINTS_COUNT / 2
        );
        Ok(())
    }

    async fn snapshot(&self) -> StepResult {
        let created = grpc(self.client.create_snapshot(&self.collection).await)?;
        let created = created
            .snapshot_description
            .ok_or("no snapshot description")?;
        check!(
            !created.name.is_empty() && created.size > 0,
            "created snapshot has name {:?} size {}",
            created.name,
            created.size
        );
        let listed = grpc(self.client.list_snapshots(&self.collection).await)?;
        check!(
            listed
                .snapshot_descriptions
                .iter()
                .any(|listed| listed.name == created.name),
            "{} not in the listed snapshots {:?}",
            created.name,
            listed.snapshot_descriptions
        );
        grpc(
            self.client
                .delete_snapshot(DeleteSnapshotRequestBuilder::new(
                    &self.collection,
                    &created.name,
                ))
                .await,
        )?;
        Ok(())
    }

    async fn delete_points(&self) -> StepResult {
        let ids: Vec<PointId> = vec![1.into(), 2.into(), 3.into()];
        grpc(
            self.client
                .delete_points(
                    DeletePointsBuilder::new(&self.collection)
                        .points(ids)
                        .wait(true),
                )
                .await,
        )?;
        let remaining = grpc(
            self.client
                .count(CountPointsBuilder::new(&self.collection).exact(true))
                .await,
        )?;
        let remaining = remaining.result.map(|result| result.count);
        check!(
            remaining == Some(POINTS_COUNT - 3),
            "{remaining:?} points remain, want {}",
            POINTS_COUNT - 3
        );
        let ids: Vec<PointId> = vec![2.into(), 4.into()];
        let got = grpc(
            self.client
                .get_points(GetPointsBuilder::new(&self.collection, ids))
                .await,
        )?;
        let got_ids: Vec<Option<u64>> = got
            .result
            .iter()
            .map(|point| id_number(&point.id))
            .collect();
        check!(
            got_ids == vec![Some(4)],
            "get [2, 4] returned {got_ids:?}, want only 4"
        );
        Ok(())
    }

    async fn delete_collection(&self) -> StepResult {
        grpc(self.client.delete_collection(&self.collection).await)?;
        let exists = grpc(self.client.collection_exists(&self.collection).await)?;
        check!(!exists, "{} still exists", self.collection);
        Ok(())
    }

    async fn execute(&self) -> Result<usize, String> {
        let mut steps_done = 0;
        macro_rules! step {
            ($name:literal, $call:expr) => {
                $call
                    .await
                    .map_err(|detail| format!("{}: {detail}", $name))?;
                println!("sdk-rust: {}: ok", $name);
                steps_done += 1;
            };
        }
        step!("health check", self.health_check());
        step!("create collection", self.create_collection());
        step!("upsert points", self.upsert_points());
        step!("create payload index", self.create_payload_index());
        step!("query with filter", self.query_with_filter());
        step!("scroll", self.scroll());
        step!("count", self.count());
        step!("snapshot", self.snapshot());
        step!("delete points", self.delete_points());
        step!("delete collection", self.delete_collection());
        Ok(steps_done)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("sdk-rust: {message}");
            std::process::exit(2);
        }
    };
    let mut builder =
        Qdrant::from_url(&format!("http://{}", options.addr)).timeout(Duration::from_secs(60));
    if let Some(api_key) = options.api_key {
        builder = builder.api_key(api_key);
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("sdk-rust: connect: {error}");
            std::process::exit(1);
        }
    };
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|t| t.subsec_nanos())
        .unwrap_or(0);
    let scenario = Scenario {
        client,
        collection: format!("sdk_rust_{nanos:08x}"),
    };
    let started = Instant::now();
    let outcome = scenario.execute().await;
    let _ = scenario
        .client
        .delete_collection(&scenario.collection)
        .await;
    match outcome {
        Ok(steps) => println!(
            "sdk-rust: OK ({}, {steps} steps, {} ms)",
            options.addr,
            started.elapsed().as_millis()
        ),
        Err(message) => {
            eprintln!("sdk-rust: FAILED: {message}");
            std::process::exit(1);
        }
    }
}
