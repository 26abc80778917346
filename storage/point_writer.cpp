#include "storage/point_writer.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <map>
#include <unordered_map>

#include "index/distance/metric_similarity.hpp"
#include "storage/payload_update.hpp"
#include "storage/point_filter.hpp"
#include "storage/point_layout.hpp"
#include "storage/point_reader.hpp"
#include "storage/shards.hpp"
#include "storage/sparse_vectors.hpp"
#include "storage/vector_elements.hpp"

namespace sextant::storage {
namespace {

using layout::kNextOffsetKey;
const char kLastOpKey[] = "last_op";

// Dense vector writes of one operation, grouped by chunk so each chunk is rewritten once.
class ChunkWriter {
 public:
  void add(size_t vector_index, uint32_t offset, const float* values) {
    pending_[{vector_index, offset}] = values;
  }
  Status flush(lmdb::Txn& txn, const CollectionSchema& schema, const CollectionDbs& dbs,
               WriterState& state) {
    std::map<std::pair<size_t, uint32_t>, std::vector<std::pair<uint32_t, const float*>>> chunks;
    for (const auto& [key, values] : pending_) {
      const auto& spec = schema.dense[key.first];
      const uint32_t per_chunk =
          layout::vectors_per_chunk_of(stored_vector_bytes(spec.dim, spec.datatype));
      chunks[{key.first, key.second / per_chunk}].emplace_back(key.second % per_chunk, values);
    }
    for (const auto& [key, slots] : chunks) {
      const auto& spec = schema.dense[key.first];
      const size_t vector_bytes = stored_vector_bytes(spec.dim, spec.datatype);
      const uint32_t per_chunk = layout::vectors_per_chunk_of(vector_bytes);
      const uint32_t chunk = key.second;
      std::vector<uint8_t> old;
      auto existing = txn.get(dbs.dense[key.first], offset_key(chunk));
      if (!existing.ok()) return existing.error();
      if (existing.value()) old.assign(existing.value()->begin(), existing.value()->end());
      auto reserved =
          txn.reserve(dbs.dense[key.first], offset_key(chunk), per_chunk * vector_bytes);
      if (!reserved.ok()) return reserved.error();
      uint8_t* out = reserved.value();
      std::memset(out, 0, per_chunk * vector_bytes);
      if (!old.empty())  // memcpy from an empty vector's null data() is undefined
        std::memcpy(out, old.data(), std::min(old.size(), per_chunk * vector_bytes));
      for (const auto& [slot, values] : slots)
        encode_elements(spec.datatype, values, spec.dim, out + slot * vector_bytes);
      state.dirty_chunks[key.first].insert(chunk);
    }
    pending_.clear();
    return {};
  }

 private:
  std::map<std::pair<size_t, uint32_t>, const float*> pending_;
};

std::vector<uint8_t> encode_sparse(const SparseVector& v) {
  uint32_t count = static_cast<uint32_t>(v.indices.size());
  std::vector<uint8_t> out(4 + size_t(count) * 8);
  std::memcpy(out.data(), &count, 4);
  std::memcpy(out.data() + 4, v.indices.data(), size_t(count) * 4);
  std::memcpy(out.data() + 4 + size_t(count) * 4, v.values.data(), size_t(count) * 4);
  return out;
}

std::vector<uint8_t> encode_multi(const MultiVector& v, index::VectorDatatype datatype) {
  uint32_t rows = static_cast<uint32_t>(v.rows());
  std::vector<uint8_t> out(4 + v.values.size() * index::datatype_bytes(datatype));
  std::memcpy(out.data(), &rows, 4);
  encode_elements(datatype, v.values.data(), v.values.size(), out.data() + 4);
  return out;
}

void normalize_row(float* values, size_t count) {
  double norm = 0;
  for (size_t i = 0; i < count; ++i) norm += double(values[i]) * values[i];
  if (norm <= 0) return;
  float inv = static_cast<float>(1.0 / std::sqrt(norm));
  for (size_t i = 0; i < count; ++i) values[i] *= inv;
}

// A vector (or the rows of a multivector) as stored: each row normalised under Cosine (not for
// uint8, whose cosine is computed on the stored integers), then converted to the datatype.
void prepare_for_storage(const DenseVectorSpec& spec, std::vector<float>& values) {
  if (index::normalised_on_write(spec.distance, spec.datatype) && spec.dim > 0)
    for (size_t r = 0; (r + 1) * spec.dim <= values.size(); ++r)
      normalize_row(values.data() + r * spec.dim, spec.dim);
  index::convert_to_datatype(spec.datatype, values.data(), values.size());
}

}  // namespace

Status PointWriter::load(const lmdb::Txn& txn, const CollectionSchema& schema,
                         const CollectionDbs& dbs, WriterState& state) {
  state = WriterState{};
  state.dense_present.resize(schema.dense.size());
  state.sparse_present.resize(schema.sparse.size());
  state.sparse_index.resize(schema.sparse.size());
  state.sparse_pending.resize(schema.sparse.size());
  state.sparse_idf_retained.resize(schema.sparse.size());
  state.dirty_chunks.resize(schema.dense.size());
  auto next = txn.get(dbs.meta, lmdb::as_bytes(kNextOffsetKey));
  if (!next.ok()) return next.error();
  if (next.value() && next.value()->size() == 4)
    std::memcpy(&state.next_offset, next.value()->data(), 4);
  auto last = txn.get(dbs.meta, lmdb::as_bytes(kLastOpKey));
  if (!last.ok()) return last.error();
  if (last.value() && last.value()->size() == 8)
    std::memcpy(&state.last_operation_id, last.value()->data(), 8);

  auto cursor = lmdb::Cursor::open(txn, dbs.offset_to_id);
  if (!cursor.ok()) return cursor.error();
  for (bool ok = cursor->seek(); ok; ok = cursor->next()) {
    if (cursor->value().size() != sizeof(layout::PointMeta))
      return Error::internal("corrupt point table");
    layout::PointMeta meta;
    std::memcpy(&meta, cursor->value().data(), sizeof(meta));
    state.alive.set(meta.offset);
    ++state.alive_count;
    state.point_meta.set(meta.offset, meta.id_key, meta.version);
    for (size_t i = 0; i < schema.dense.size(); ++i)
      if ((meta.dense_mask >> i) & 1) state.dense_present[i].set(meta.offset);
  }
  if (auto st = cursor->status(); !st.ok()) return st;  // a damaged page ended the scan
  for (size_t i = 0; i < schema.sparse.size(); ++i) {
    auto c = lmdb::Cursor::open(txn, dbs.sparse[i]);
    if (!c.ok()) return c.error();
    for (bool ok = c->seek(); ok; ok = c->next()) {
      uint32_t offset;
      std::memcpy(&offset, c->key().data(), 4);
      state.sparse_present[i].set(offset);
      add_stored_sparse(state.sparse_pending[i], offset, c->value());
    }
    if (auto st = c->status(); !st.ok()) return st;
  }
  return {};
}

}  // namespace sextant::storage

namespace sextant::storage {

Status PointWriter::put_counters(lmdb::Txn& txn) {
  auto st = txn.put(dbs_.meta, lmdb::as_bytes(kNextOffsetKey),
                    lmdb::Bytes(reinterpret_cast<const uint8_t*>(&state_.next_offset), 4));
  if (!st.ok()) return st;
  return txn.put(dbs_.meta, lmdb::as_bytes(kLastOpKey),
                 lmdb::Bytes(reinterpret_cast<const uint8_t*>(&state_.last_operation_id), 8));
}

Status PointWriter::apply(lmdb::Txn& txn, const std::vector<UpdateOperation>& operations,
                          uint64_t operation_id) {
  WriterState saved = state_;
  auto child = lmdb::Txn::begin(env_, lmdb::Txn::Mode::kWrite, &txn);
  if (!child.ok()) return child.error();
  Status status;
  for (size_t i = 0; i < operations.size(); ++i) {
    status = apply_one(child.value(), operations[i], operation_id + i);
    if (!status.ok()) break;
  }
  if (status.ok()) {
    const uint64_t last = operation_id + std::max<size_t>(1, operations.size()) - 1;
    state_.last_operation_id = std::max(state_.last_operation_id, last);
    status = put_counters(child.value());
  }
  if (status.ok()) status = child->commit();
  if (!status.ok()) {
    child->abort();
    state_ = std::move(saved);
  }
  return status;
}

Status PointWriter::apply_one(lmdb::Txn& txn, const UpdateOperation& operation,
                              uint64_t operation_id) {
  if (auto* op = std::get_if<UpsertPoints>(&operation)) return upsert(txn, *op, operation_id);
  if (auto* op = std::get_if<DeletePoints>(&operation)) return delete_points(txn, op->selector);
  if (auto* op = std::get_if<UpdateVectors>(&operation))
    return update_vectors(txn, *op, operation_id);
  if (auto* op = std::get_if<DeleteVectors>(&operation))
    return delete_vectors(txn, *op, operation_id);
  if (auto* op = std::get_if<CreatePayloadIndex>(&operation)) {
    std::string schema = boost::json::serialize(op->field_schema);
    return txn.put(dbs_.payload_index, lmdb::as_bytes(op->field_name), lmdb::as_bytes(schema));
  }
  if (auto* op = std::get_if<DeletePayloadIndex>(&operation)) {
    auto del = txn.del(dbs_.payload_index, lmdb::as_bytes(op->field_name));
    if (!del.ok()) return del.error();
    return {};
  }
  if (auto* op = std::get_if<CreateShardKey>(&operation)) return put_shard_key(txn, dbs_, *op);
  if (auto* op = std::get_if<DeleteShardKey>(&operation)) {
    auto points = drop_shards(txn, dbs_, {op->shard_ids.begin(), op->shard_ids.end()});
    if (!points.ok()) return points.error();
    if (points->empty()) return {};
    PointSelector selector;
    selector.ids = std::move(points.value());
    return delete_points(txn, selector);
  }
  return modify_payloads(txn, operation, operation_id);
}

Result<std::vector<uint32_t>> PointWriter::select(const lmdb::Txn& txn,
                                                  const PointSelector& selector) {
  const auto in_selected_shards = [&](const PointId& id) {
    if (selector.shard_ids.empty()) return true;
    auto shard = shard_of_point(txn, dbs_, id);
    return shard && std::find(selector.shard_ids.begin(), selector.shard_ids.end(), *shard) !=
                        selector.shard_ids.end();
  };
  ViewState view = current_view();
  PointReader reader(txn, view, schema_);
  std::vector<uint32_t> offsets;
  if (selector.filter) {
    state_.alive.for_each(state_.next_offset, [&](uint32_t offset) {
      if (point_matches(*selector.filter, reader, offset) && in_selected_shards(reader.id(offset)))
        offsets.push_back(offset);
    });
    return offsets;
  }
  for (const auto& id : selector.ids) {
    if (auto offset = reader.find(id); offset && in_selected_shards(id)) offsets.push_back(*offset);
  }
  return offsets;
}

ViewState PointWriter::current_view() const {
  // A view over the open transaction: presence from the writer state, chunks by lookup.
  ViewState view;
  view.offset_limit = state_.next_offset;
  view.alive = std::shared_ptr<const Bitset>(&state_.alive, [](const Bitset*) {});
  view.alive_count = state_.alive_count;
  view.dbs = dbs_;
  for (size_t i = 0; i < schema_.dense.size(); ++i) {
    DenseColumn column;
    column.dim = schema_.dense[i].dim;
    column.datatype = schema_.dense[i].datatype;
    column.per_chunk = layout::vectors_per_chunk_of(column.vector_bytes());
    column.per_chunk_shift = static_cast<uint32_t>(std::countr_zero(column.per_chunk));
    column.present = std::shared_ptr<const Bitset>(&state_.dense_present[i], [](const Bitset*) {});
    view.dense.push_back(std::move(column));
  }
  for (size_t i = 0; i < schema_.sparse.size(); ++i)
    view.sparse_present.push_back(
        std::shared_ptr<const Bitset>(&state_.sparse_present[i], [](const Bitset*) {}));
  for (size_t i = 0; i < schema_.sparse.size(); ++i)
    view.sparse_idf_retained.push_back(
        std::shared_ptr<const Bitset>(&state_.sparse_idf_retained[i], [](const Bitset*) {}));
  return view;
}

void PointWriter::retain_sparse_for_idf(uint32_t offset, int sparse_index) {
  if (sparse_index < 0 || !state_.sparse_present[size_t(sparse_index)].test(offset)) return;
  state_.sparse_idf_retained[size_t(sparse_index)].set(offset);
  state_.changed = true;
}

Status PointWriter::remove_offset(lmdb::Txn& txn, uint32_t offset, bool remove_id_mapping) {
  auto meta_bytes = txn.get(dbs_.offset_to_id, offset_key(offset));
  if (!meta_bytes.ok()) return meta_bytes.error();
  if (!meta_bytes.value()) return {};
  layout::PointMeta meta;
  std::memcpy(&meta, meta_bytes.value()->data(), sizeof(meta));
  if (remove_id_mapping) {
    auto del = txn.del(dbs_.id_to_offset, lmdb::Bytes(meta.id_key, sizeof(meta.id_key)));
    if (!del.ok()) return del.error();
    auto st = forget_point_shard(txn, dbs_, lmdb::Bytes(meta.id_key, sizeof(meta.id_key)));
    if (!st.ok()) return st;
  }
  for (MDB_dbi dbi : {dbs_.offset_to_id, dbs_.payload}) {
    auto del = txn.del(dbi, offset_key(offset));
    if (!del.ok()) return del.error();
  }
  for (size_t i = 0; i < schema_.dense.size(); ++i) {
    state_.dense_present[i].reset(offset);
    if (schema_.dense[i].multivector) {
      auto del = txn.del(dbs_.dense[i], offset_key(offset));
      if (!del.ok()) return del.error();
    }
  }
  for (size_t i = 0; i < schema_.sparse.size(); ++i) {
    state_.sparse_present[i].reset(offset);
    auto del = txn.del(dbs_.sparse[i], offset_key(offset));
    if (!del.ok()) return del.error();
  }
  if (state_.alive.test(offset)) {
    state_.alive.reset(offset);
    --state_.alive_count;
    state_.removed_offsets.push_back(offset);
  }
  state_.changed = true;
  return {};
}

Status PointWriter::write_point(lmdb::Txn& txn, const PointId& id, const PointVectors& vectors,
                                std::string_view payload_json, std::optional<uint32_t> old_offset,
                                uint64_t operation_id) {
  if (old_offset) {
    auto st = remove_offset(txn, *old_offset, false);
    if (!st.ok()) return st;
  }
  if (state_.next_offset == UINT32_MAX)
    return Error::bad_request("collection holds too many points");
  const uint32_t offset = state_.next_offset++;
  uint64_t dense_mask = 0;
  ChunkWriter chunks;
  std::vector<std::vector<float>> normalized;  // keeps cosine copies alive until flush
  normalized.reserve(vectors.dense.size());
  for (const auto& [name, values] : vectors.dense) {
    int i = schema_.dense_index(name);
    if (i < 0) return Error::vector_name_not_found(name);
    normalized.push_back(values);
    prepare_for_storage(schema_.dense[i], normalized.back());
    chunks.add(static_cast<size_t>(i), offset, normalized.back().data());
    dense_mask |= uint64_t(1) << i;
    state_.dense_present[i].set(offset);
  }
  for (const auto& [name, mv] : vectors.multi) {
    int i = schema_.dense_index(name);
    if (i < 0) return Error::vector_name_not_found(name);
    MultiVector copy = mv;
    prepare_for_storage(schema_.dense[i], copy.values);
    auto bytes = encode_multi(copy, schema_.dense[i].datatype);
    auto st = txn.put(dbs_.dense[i], offset_key(offset), lmdb::Bytes(bytes.data(), bytes.size()));
    if (!st.ok()) return st;
    dense_mask |= uint64_t(1) << i;
    state_.dense_present[i].set(offset);
  }
  for (const auto& [name, sv] : vectors.sparse) {
    int i = schema_.sparse_index(name);
    if (i < 0) return Error::vector_name_not_found(name);
    const SparseVector sorted = sorted_by_index(sv);  // stored with indices ascending
    auto bytes = encode_sparse(sorted);
    auto st = txn.put(dbs_.sparse[i], offset_key(offset), lmdb::Bytes(bytes.data(), bytes.size()));
    if (!st.ok()) return st;
    state_.sparse_present[i].set(offset);
    state_.sparse_pending[i].add(offset, sorted.indices.data(), sorted.values.data(),
                                 sorted.indices.size());
  }
  auto st = chunks.flush(txn, schema_, dbs_, state_);
  if (!st.ok()) return st;
  layout::PointMeta meta = layout::make_meta(id, offset, operation_id, dense_mask);
  lmdb::Bytes meta_bytes(reinterpret_cast<const uint8_t*>(&meta), sizeof(meta));
  st = txn.put(dbs_.offset_to_id, offset_key(offset), meta_bytes);
  if (!st.ok()) return st;
  state_.point_meta.set(offset, meta.id_key, meta.version);
  st = txn.put(dbs_.id_to_offset, lmdb::Bytes(meta.id_key, sizeof(meta.id_key)), meta_bytes);
  if (!st.ok()) return st;
  if (!payload_json.empty() && payload_json != "{}") {
    st = txn.put(dbs_.payload, offset_key(offset), lmdb::as_bytes(payload_json));
    if (!st.ok()) return st;
  }
  state_.alive.set(offset);
  ++state_.alive_count;
  state_.written_offsets.push_back(offset);
  state_.changed = true;
  return {};
}

Status PointWriter::upsert(lmdb::Txn& txn, const UpsertPoints& op, uint64_t operation_id) {
  // The last write of an id in one request wins, as in Qdrant.
  std::unordered_map<PointId, size_t, index::PointIdHash> last_index;
  for (size_t i = 0; i < op.points.size(); ++i) last_index[op.points[i].id] = i;
  ViewState view = current_view();
  for (size_t i = 0; i < op.points.size(); ++i) {
    const PointWrite& point = op.points[i];
    if (last_index[point.id] != i) continue;
    PointReader reader(txn, view, schema_);
    std::optional<uint32_t> existing = reader.find(point.id);
    if (existing && op.mode == UpdateMode::kInsertOnly) continue;
    if (!existing && op.mode == UpdateMode::kUpdateOnly) continue;
    if (existing && op.update_filter && !point_matches(*op.update_filter, reader, *existing))
      continue;
    std::string payload = boost::json::serialize(point.payload);
    auto st = write_point(txn, point.id, point.vectors, payload, existing, operation_id);
    if (!st.ok()) return st;
    if (i < op.shard_ids.size()) {
      st = record_point_shard(txn, dbs_, point.id, op.shard_ids[i]);
      if (!st.ok()) return st;
    }
  }
  return {};
}

Status PointWriter::update_vectors(lmdb::Txn& txn, const UpdateVectors& op, uint64_t operation_id) {
  ViewState view = current_view();
  for (const PointWrite& point : op.points) {
    PointReader reader(txn, view, schema_);
    std::optional<uint32_t> existing = reader.find(point.id);
    if (!existing) return Error::point_not_found(point.id.to_string());
    if (op.update_filter && !point_matches(*op.update_filter, reader, *existing)) continue;
    PointVectors merged = reader.vectors(*existing, nullptr);
    for (const auto& [name, v] : point.vectors.dense) {
      merged.multi.erase(name);
      merged.dense[name] = v;
    }
    for (const auto& [name, v] : point.vectors.multi) {
      merged.dense.erase(name);
      merged.multi[name] = v;
    }
    for (const auto& [name, v] : point.vectors.sparse) merged.sparse[name] = v;
    std::string payload(reader.payload_text(*existing));
    auto st = write_point(txn, point.id, merged, payload, existing, operation_id);
    if (!st.ok()) return st;
  }
  return {};
}

Status PointWriter::delete_vectors(lmdb::Txn& txn, const DeleteVectors& op, uint64_t operation_id) {
  auto offsets = select(txn, op.selector);
  if (!offsets.ok()) return offsets.error();
  ViewState view = current_view();
  for (uint32_t offset : offsets.value()) {
    PointReader reader(txn, view, schema_);
    PointVectors kept = reader.vectors(offset, nullptr);
    for (const auto& name : op.names) {
      kept.dense.erase(name);
      kept.multi.erase(name);
      kept.sparse.erase(name);
      retain_sparse_for_idf(offset, schema_.sparse_index(name));
    }
    std::string payload(reader.payload_text(offset));
    auto st = write_point(txn, reader.id(offset), kept, payload, offset, operation_id);
    if (!st.ok()) return st;
  }
  return {};
}

Status PointWriter::delete_points(lmdb::Txn& txn, const PointSelector& selector) {
  auto offsets = select(txn, selector);
  if (!offsets.ok()) return offsets.error();
  for (uint32_t offset : offsets.value()) {
    for (size_t i = 0; i < schema_.sparse.size(); ++i) retain_sparse_for_idf(offset, int(i));
    auto st = remove_offset(txn, offset, true);
    if (!st.ok()) return st;
  }
  return {};
}

Status PointWriter::modify_payloads(lmdb::Txn& txn, const UpdateOperation& operation,
                                    uint64_t operation_id) {
  const PointSelector* selector = nullptr;
  if (auto* op = std::get_if<SetPayload>(&operation)) selector = &op->selector;
  if (auto* op = std::get_if<OverwritePayload>(&operation)) selector = &op->selector;
  if (auto* op = std::get_if<DeletePayloadKeys>(&operation)) selector = &op->selector;
  if (auto* op = std::get_if<ClearPayload>(&operation)) selector = &op->selector;
  if (!selector) return Error::internal("unknown update operation");
  auto offsets = select(txn, *selector);
  if (!offsets.ok()) return offsets.error();
  if (!selector->filter && offsets.value().size() < selector->ids.size()) {
    ViewState view = current_view();
    PointReader reader(txn, view, schema_);
    for (const auto& id : selector->ids) {
      bool found = reader.find(id).has_value();
      if (found && !selector->shard_ids.empty()) {  // a point of another shard is missing here
        auto shard = shard_of_point(txn, dbs_, id);
        found = shard && std::find(selector->shard_ids.begin(), selector->shard_ids.end(),
                                   *shard) != selector->shard_ids.end();
      }
      if (!found) return Error::point_not_found(id.to_string());
    }
  }
  ViewState view = current_view();
  for (uint32_t offset : offsets.value()) {
    PointReader reader(txn, view, schema_);
    boost::json::object payload;
    if (!std::holds_alternative<OverwritePayload>(operation) &&
        !std::holds_alternative<ClearPayload>(operation)) {
      auto current = reader.payload(offset);
      if (!current) return Error::internal("corrupt payload at offset " + std::to_string(offset));
      payload = std::move(*current);
    }
    if (auto* op = std::get_if<SetPayload>(&operation)) {
      auto st = set_payload(payload, op->payload, op->key);
      if (!st.ok()) return st;
    } else if (auto* op = std::get_if<OverwritePayload>(&operation)) {
      payload = op->payload;
    } else if (auto* op = std::get_if<DeletePayloadKeys>(&operation)) {
      delete_payload_keys(payload, op->keys);
    }
    if (payload.empty()) {
      auto del = txn.del(dbs_.payload, offset_key(offset));
      if (!del.ok()) return del.error();
    } else {
      std::string text = boost::json::serialize(payload);
      auto st = txn.put(dbs_.payload, offset_key(offset), lmdb::as_bytes(text));
      if (!st.ok()) return st;
    }
    state_.written_offsets.push_back(offset);
    // The point's version moves to this operation.
    auto meta = reader.meta(offset);
    if (meta) {
      meta->version = operation_id;
      lmdb::Bytes bytes(reinterpret_cast<const uint8_t*>(&*meta), sizeof(*meta));
      auto st = txn.put(dbs_.offset_to_id, offset_key(offset), bytes);
      if (!st.ok()) return st;
      state_.point_meta.set_version(offset, operation_id);
      st = txn.put(dbs_.id_to_offset, lmdb::Bytes(meta->id_key, sizeof(meta->id_key)), bytes);
      if (!st.ok()) return st;
    }
  }
  return {};
}

}  // namespace sextant::storage
