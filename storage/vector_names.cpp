// Named vector add/delete: configuration rules and the data move of a removal (see
// vector_names.hpp).
#include "storage/vector_names.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "storage/point_layout.hpp"

namespace sextant::storage {
namespace {

bool same_dense_schema(const VectorParams& existing, const VectorParams& wanted) {
  return existing.size == wanted.size && existing.distance == wanted.distance &&
         existing.multivector_comparator == wanted.multivector_comparator &&
         existing.datatype == wanted.datatype;
}

std::optional<Datatype> sparse_datatype(const SparseVectorParams& params) {
  return params.index ? params.index->datatype : std::nullopt;
}

bool same_sparse_schema(const SparseVectorParams& existing, const SparseVectorParams& wanted) {
  return existing.modifier == wanted.modifier &&
         sparse_datatype(existing) == sparse_datatype(wanted);
}

const SparseVectorParams* find_sparse(const CollectionConfig& config, const std::string& name) {
  if (!config.params.sparse_vectors) return nullptr;
  for (const auto& sparse : *config.params.sparse_vectors)
    if (sparse.name == name) return &sparse;
  return nullptr;
}

const VectorParams* find_dense(const CollectionConfig& config, const std::string& name) {
  for (const auto& dense : config.params.vectors)
    if (dense.name == name) return &dense;
  return nullptr;
}

std::string dense_table(const CollectionSchema& schema, size_t i) {
  return (schema.dense[i].multivector ? "multi:" : "dense:") + std::to_string(i);
}

using Entry = std::pair<std::vector<uint8_t>, std::vector<uint8_t>>;

// Visits the table's entries in key order, in batches copied out of the map, so `write` may
// change the transaction (even the same table) between batches.
Status for_each_batch(lmdb::Txn& txn, MDB_dbi dbi,
                      const std::function<Status(const std::vector<Entry>&)>& write) {
  constexpr size_t kBatch = 256;
  std::vector<uint8_t> after;
  bool first = true;
  for (;;) {
    std::vector<Entry> batch;
    {
      auto cursor = lmdb::Cursor::open(txn, dbi);
      if (!cursor.ok()) return cursor.error();
      bool ok = first ? cursor->seek() : cursor->seek(lmdb::Bytes(after.data(), after.size()));
      if (ok && !first &&
          std::equal(after.begin(), after.end(), cursor->key().begin(), cursor->key().end()))
        ok = cursor->next();
      for (; ok && batch.size() < kBatch; ok = cursor->next())
        batch.push_back({{cursor->key().begin(), cursor->key().end()},
                         {cursor->value().begin(), cursor->value().end()}});
      if (auto st = cursor->status(); !st.ok()) return st;
    }
    if (batch.empty()) return {};
    if (auto st = write(batch); !st.ok()) return st;
    after = batch.back().first;
    first = false;
  }
}

lmdb::Bytes bytes_of(const std::vector<uint8_t>& v) { return {v.data(), v.size()}; }

// Moves every entry of table `from` into the new table `to` (same flags), deleting `from`.
Status move_table(lmdb::Txn& txn, const std::string& from, const std::string& to) {
  auto source = txn.open_db(from.c_str(), MDB_CREATE | MDB_INTEGERKEY);
  if (!source.ok()) return source.error();
  auto target = txn.open_db(to.c_str(), MDB_CREATE | MDB_INTEGERKEY);
  if (!target.ok()) return target.error();
  if (auto st = txn.drop(target.value(), false); !st.ok()) return st;
  auto st = for_each_batch(txn, source.value(), [&](const std::vector<Entry>& batch) -> Status {
    for (const auto& [key, value] : batch)
      if (auto put = txn.put(target.value(), bytes_of(key), bytes_of(value)); !put.ok()) return put;
    return {};
  });
  if (!st.ok()) return st;
  return txn.drop(source.value(), true);
}

Status delete_table(lmdb::Txn& txn, const std::string& name) {
  auto table = txn.open_db(name.c_str(), MDB_CREATE | MDB_INTEGERKEY);
  if (!table.ok()) return table.error();
  return txn.drop(table.value(), true);
}

// Bit `removed` of a dense mask dropped, the bits above it moved down one.
uint64_t mask_without(uint64_t mask, size_t removed) {
  const uint64_t low = mask & ((uint64_t{1} << removed) - 1);
  const uint64_t high = removed + 1 < 64 ? (mask >> (removed + 1)) << removed : 0;
  return low | high;
}

Status rewrite_masks(lmdb::Txn& txn, const char* table, unsigned flags, size_t removed) {
  auto dbi = txn.open_db(table, flags);
  if (!dbi.ok()) return dbi.error();
  return for_each_batch(txn, dbi.value(), [&](const std::vector<Entry>& batch) -> Status {
    for (const auto& [key, value] : batch) {
      layout::PointMeta meta;
      if (value.size() != sizeof(meta)) continue;
      std::memcpy(&meta, value.data(), sizeof(meta));
      meta.dense_mask = mask_without(meta.dense_mask, removed);
      lmdb::Bytes rewritten(reinterpret_cast<const uint8_t*>(&meta), sizeof(meta));
      if (auto st = txn.put(dbi.value(), bytes_of(key), rewritten); !st.ok()) return st;
    }
    return {};
  });
}

}  // namespace

Result<bool> add_vector_name(CollectionConfig& config, const NewVectorName& vector) {
  if (const auto* dense = std::get_if<VectorParams>(&vector)) {
    if (const auto* existing = find_dense(config, dense->name)) {
      if (!same_dense_schema(*existing, *dense))
        return Error::bad_input("Vector `" + dense->name +
                                "` already exists with a different configuration");
      return false;
    }
    if (find_sparse(config, dense->name))
      return Error::bad_input("Vector `" + dense->name + "` already exists as a sparse vector");
    if (config.params.vectors.size() >= layout::kMaxDenseVectors)
      return Error::bad_input("a collection holds at most 64 named dense vectors");
    config.params.unnamed_vector = false;
    config.params.vectors.push_back(*dense);
    return true;
  }
  const auto& sparse = std::get<SparseVectorParams>(vector);
  if (const auto* existing = find_sparse(config, sparse.name)) {
    if (!same_sparse_schema(*existing, sparse))
      return Error::bad_input("Sparse vector `" + sparse.name +
                              "` already exists with a different configuration");
    return false;
  }
  if (find_dense(config, sparse.name))
    return Error::bad_input("Vector `" + sparse.name + "` already exists as a dense vector");
  if (!config.params.sparse_vectors) config.params.sparse_vectors.emplace();
  config.params.sparse_vectors->push_back(sparse);
  return true;
}

std::optional<RemovedVector> remove_vector_name(CollectionConfig& config, const std::string& name) {
  auto& dense = config.params.vectors;
  for (size_t i = 0; i < dense.size(); ++i) {
    if (dense[i].name != name) continue;
    dense.erase(dense.begin() + static_cast<std::ptrdiff_t>(i));
    config.params.unnamed_vector = false;
    return RemovedVector{false, i};
  }
  if (auto& sparse = config.params.sparse_vectors) {
    for (size_t i = 0; i < sparse->size(); ++i) {
      if ((*sparse)[i].name != name) continue;
      sparse->erase(sparse->begin() + static_cast<std::ptrdiff_t>(i));
      return RemovedVector{true, i};
    }
  }
  return std::nullopt;
}

Status remove_vector_data(lmdb::Env& env, const CollectionSchema& old_schema,
                          const RemovedVector& removed) {
  auto txn = lmdb::Txn::begin(env, lmdb::Txn::Mode::kWrite);
  if (!txn.ok()) return txn.error();
  if (removed.sparse) {
    const size_t count = old_schema.sparse.size();
    if (auto st = delete_table(*txn, "sparse:" + std::to_string(removed.position)); !st.ok())
      return st;
    for (size_t j = removed.position + 1; j < count; ++j)
      if (auto st =
              move_table(*txn, "sparse:" + std::to_string(j), "sparse:" + std::to_string(j - 1));
          !st.ok())
        return st;
    return txn->commit();
  }
  const size_t count = old_schema.dense.size();
  if (auto st = delete_table(*txn, dense_table(old_schema, removed.position)); !st.ok()) return st;
  for (size_t j = removed.position + 1; j < count; ++j) {
    std::string to =
        (old_schema.dense[j].multivector ? "multi:" : "dense:") + std::to_string(j - 1);
    if (auto st = move_table(*txn, dense_table(old_schema, j), to); !st.ok()) return st;
  }
  if (auto st = rewrite_masks(*txn, "id_to_offset", 0, removed.position); !st.ok()) return st;
  if (auto st = rewrite_masks(*txn, "offset_to_id", MDB_INTEGERKEY, removed.position); !st.ok())
    return st;
  auto graph = txn->open_db("graph", MDB_CREATE);
  if (!graph.ok()) return graph.error();
  if (auto st = txn->drop(graph.value(), false); !st.ok()) return st;
  return txn->commit();
}

}  // namespace sextant::storage
