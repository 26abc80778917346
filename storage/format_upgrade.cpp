#include "storage/format_upgrade.hpp"

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "storage/point_layout.hpp"
#include "storage/point_reader.hpp"
#include "storage/vector_elements.hpp"

namespace sextant::storage {
namespace {

using Records = std::map<uint32_t, std::vector<uint8_t>>;

Result<Records> read_all(lmdb::Txn& txn, MDB_dbi dbi) {
  Records records;
  auto cursor = lmdb::Cursor::open(txn, dbi);
  if (!cursor.ok()) return cursor.error();
  for (bool ok = cursor->seek(); ok; ok = cursor->next()) {
    uint32_t key;
    std::memcpy(&key, cursor->key().data(), sizeof key);
    records[key].assign(cursor->value().begin(), cursor->value().end());
  }
  if (auto st = cursor->status(); !st.ok()) return st.error();
  return records;
}

Status write_all(lmdb::Txn& txn, MDB_dbi dbi, const Records& records) {
  if (auto st = txn.drop(dbi, false); !st.ok()) return st;
  for (const auto& [key, bytes] : records) {
    auto st = txn.put(dbi, offset_key(key), lmdb::Bytes(bytes.data(), bytes.size()));
    if (!st.ok()) return st;
  }
  return {};
}

// float32 chunks of `per_chunk` float32 vectors -> chunks of the datatype's vectors.
Records regroup_chunks(const Records& old_chunks, const DenseVectorSpec& spec) {
  const size_t old_bytes = size_t(spec.dim) * sizeof(float);
  const uint32_t old_per_chunk = layout::vectors_per_chunk_of(old_bytes);
  const size_t new_bytes = stored_vector_bytes(spec.dim, spec.datatype);
  const uint32_t new_per_chunk = layout::vectors_per_chunk_of(new_bytes);
  Records chunks;
  std::vector<float> values(spec.dim);
  for (const auto& [chunk, bytes] : old_chunks) {
    for (uint32_t slot = 0; slot < old_per_chunk; ++slot) {
      if ((size_t(slot) + 1) * old_bytes > bytes.size()) break;
      const uint32_t offset = chunk * old_per_chunk + slot;
      std::vector<uint8_t>& out = chunks[offset / new_per_chunk];
      out.resize(size_t(new_per_chunk) * new_bytes, 0);
      std::memcpy(values.data(), bytes.data() + size_t(slot) * old_bytes, old_bytes);
      encode_elements(spec.datatype, values.data(), spec.dim,
                      out.data() + size_t(offset % new_per_chunk) * new_bytes);
    }
  }
  return chunks;
}

// u32 rows, float32 values -> u32 rows, the datatype's values.
Records convert_multi(Records records, const DenseVectorSpec& spec) {
  std::vector<float> values;
  for (auto& [offset, bytes] : records) {
    if (bytes.size() < 4) continue;
    const size_t count = (bytes.size() - 4) / sizeof(float);
    values.resize(count);
    std::memcpy(values.data(), bytes.data() + 4, count * sizeof(float));
    bytes.resize(4 + count * index::datatype_bytes(spec.datatype));
    encode_elements(spec.datatype, values.data(), count, bytes.data() + 4);
  }
  return records;
}

}  // namespace

Status upgrade_storage_format(lmdb::Txn& txn, const CollectionSchema& schema,
                              const CollectionDbs& dbs, uint32_t stored_version) {
  if (stored_version == layout::kFormatVersion) return {};
  if (stored_version != layout::kFloat32ElementsFormatVersion)
    return Error::internal("storage format " + std::to_string(stored_version) +
                           " is unknown, this build reads formats " +
                           std::to_string(layout::kFloat32ElementsFormatVersion) + " to " +
                           std::to_string(layout::kFormatVersion));
  for (size_t i = 0; i < schema.dense.size(); ++i) {
    const DenseVectorSpec& spec = schema.dense[i];
    if (spec.datatype == index::VectorDatatype::kFloat32 || spec.dim == 0) continue;
    auto records = read_all(txn, dbs.dense[i]);
    if (!records.ok()) return records.error();
    Records upgraded = spec.multivector ? convert_multi(std::move(records.value()), spec)
                                        : regroup_chunks(records.value(), spec);
    if (auto st = write_all(txn, dbs.dense[i], upgraded); !st.ok()) return st;
  }
  return {};
}

}  // namespace sextant::storage
