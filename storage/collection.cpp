#include "storage/collection.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "storage/point_layout.hpp"
#include "storage/schema_from_config.hpp"

namespace sextant::storage {
namespace {

const char kFormatKey[] = "format";

Result<CollectionDbs> open_dbs(lmdb::Txn& txn, const CollectionSchema& schema) {
  CollectionDbs dbs;
  struct Named {
    const char* name;
    MDB_dbi* dbi;
    unsigned flags;
  };
  for (Named n : {Named{"meta", &dbs.meta, 0}, Named{"id_to_offset", &dbs.id_to_offset, 0},
                  Named{"offset_to_id", &dbs.offset_to_id, MDB_INTEGERKEY},
                  Named{"payload", &dbs.payload, MDB_INTEGERKEY},
                  Named{"payload_index", &dbs.payload_index, 0}}) {
    auto dbi = txn.open_db(n.name, MDB_CREATE | n.flags);
    if (!dbi.ok()) return dbi.error();
    *n.dbi = dbi.value();
  }
  for (size_t i = 0; i < schema.dense.size(); ++i) {
    std::string name = (schema.dense[i].multivector ? "multi:" : "dense:") + std::to_string(i);
    auto dbi = txn.open_db(name.c_str(), MDB_CREATE | MDB_INTEGERKEY);
    if (!dbi.ok()) return dbi.error();
    dbs.dense.push_back(dbi.value());
  }
  for (size_t i = 0; i < schema.sparse.size(); ++i) {
    std::string name = "sparse:" + std::to_string(i);
    auto dbi = txn.open_db(name.c_str(), MDB_CREATE | MDB_INTEGERKEY);
    if (!dbi.ok()) return dbi.error();
    dbs.sparse.push_back(dbi.value());
  }
  return dbs;
}

}  // namespace

Result<std::shared_ptr<Collection>> Collection::open(const std::string& directory,
                                                     const CollectionConfig& config) {
  if (config.schema.dense.size() > layout::kMaxDenseVectors)
    return Error::bad_input("a collection holds at most 64 named dense vectors");
  std::shared_ptr<Collection> collection(new Collection());
  collection->directory_ = directory;
  collection->schema_ = std::make_shared<const CollectionSchema>(config.schema);
  collection->reported_ = config.reported;
  auto env = lmdb::Env::open(directory, lmdb::Env::Options{});
  if (!env.ok()) return env.error();
  collection->env_ = std::move(env.value());

  auto txn = lmdb::Txn::begin(*collection->env_, lmdb::Txn::Mode::kWrite);
  if (!txn.ok()) return txn.error();
  auto dbs = open_dbs(txn.value(), *collection->schema_);
  if (!dbs.ok()) return dbs.error();
  collection->dbs_ = dbs.value();
  auto format = txn->get(collection->dbs_.meta, lmdb::as_bytes(kFormatKey));
  if (!format.ok()) return format.error();
  if (format.value()) {
    uint32_t version = 0;
    if (format.value()->size() == 4) std::memcpy(&version, format.value()->data(), 4);
    if (version != layout::kFormatVersion)
      return Error::internal("collection at " + directory + " has storage format " +
                             std::to_string(version) + ", this build reads format " +
                             std::to_string(layout::kFormatVersion));
  } else {
    uint32_t version = layout::kFormatVersion;
    auto st = txn->put(collection->dbs_.meta, lmdb::as_bytes(kFormatKey),
                       lmdb::Bytes(reinterpret_cast<const uint8_t*>(&version), 4));
    if (!st.ok()) return st.error();
  }
  {
    auto cursor = lmdb::Cursor::open(txn.value(), collection->dbs_.payload_index);
    if (!cursor.ok()) return cursor.error();
    for (bool ok = cursor->seek(); ok; ok = cursor->next()) {
      boost::system::error_code ec;
      auto schema = boost::json::parse(lmdb::as_string(cursor->value()), ec);
      if (!ec && schema.is_object())
        collection->payload_indexes_[lmdb::as_string(cursor->key())] = schema;
    }
  }
  WriterState state;
  auto loaded = PointWriter::load(txn.value(), *collection->schema_, collection->dbs_, state);
  if (!loaded.ok()) return loaded.error();
  if (auto st = txn->commit(); !st.ok()) return st.error();

  Collection* raw = collection.get();
  collection->queue_ = std::make_unique<UpdateQueue>(
      *collection->env_, collection->schema_, collection->dbs_, std::move(state),
      [raw](std::shared_ptr<const ReadView> view) { std::atomic_store(&raw->view_, std::move(view)); },
      [raw](const std::vector<UpdateOperation>& applied) { raw->on_commit(applied); });
  auto view = collection->queue_->initial_view();
  if (!view.ok()) return view.error();
  std::atomic_store(&collection->view_, view.value());
  return collection;
}

Collection::~Collection() { close(); }

void Collection::close() {
  if (queue_) queue_->stop();
  std::atomic_store(&view_, std::shared_ptr<const ReadView>());
  if (env_) env_->sync();
}

Result<UpdateResult> Collection::update(std::vector<UpdateOperation> operations, bool wait) {
  // Payload index definitions are persisted in the same transaction as the operation id.
  auto [operation_id, done] = queue_->submit(std::move(operations));
  UpdateResult result;
  result.operation_id = operation_id;
  if (!wait) return result;
  Status status = done.get();
  if (!status.ok()) return status.error();
  result.completed = true;
  return result;
}

void Collection::on_commit(const std::vector<UpdateOperation>& applied) {
  std::lock_guard lock(config_mutex_);
  for (const auto& op : applied) {
    if (auto* create = std::get_if<CreatePayloadIndex>(&op)) {
      payload_indexes_[create->field_name] = create->field_schema;
    } else if (auto* drop = std::get_if<DeletePayloadIndex>(&op)) {
      payload_indexes_.erase(drop->field_name);
    }
  }
}

boost::json::object Collection::reported_config() const {
  std::lock_guard lock(config_mutex_);
  return reported_;
}

void Collection::set_reported_config(boost::json::object reported) {
  std::lock_guard lock(config_mutex_);
  reported_ = std::move(reported);
}

boost::json::object Collection::payload_index_schemas() const {
  std::lock_guard lock(config_mutex_);
  return payload_indexes_;
}

std::vector<ScoredOffset> Collection::search(const ReadView& view, const SearchRequest& request,
                                             ParallelPool& pool) const {
  return exact_search(view, request, pool);
}

CollectionStats Collection::stats() const {
  CollectionStats stats;
  auto current = view();
  if (!current) return stats;
  const ViewState& state = current->state();
  stats.points_count = state.alive_count;
  for (const auto& column : state.dense)
    if (column.present) stats.vectors_count += column.present->count();
  stats.pending_updates = queue_ ? queue_->pending() : 0;
  return stats;
}

}  // namespace sextant::storage
