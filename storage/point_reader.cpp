#include "storage/point_reader.hpp"

#include <boost/json/parse.hpp>

#include "storage/vector_elements.hpp"

namespace sextant::storage {

std::optional<uint32_t> PointReader::find(const PointId& id) const {
  auto key = id.to_key();
  auto found = txn_.get(state_.dbs.id_to_offset, lmdb::Bytes(key.data(), key.size()));
  if (!found.ok() || !found.value() || found.value()->size() != sizeof(layout::PointMeta))
    return std::nullopt;
  layout::PointMeta meta;
  std::memcpy(&meta, found.value()->data(), sizeof(meta));
  const uint32_t offset = meta.offset;  // a packed member: copied, never bound to a reference
  return offset;
}

std::optional<layout::PointMeta> PointReader::meta(uint32_t offset) const {
  auto found = txn_.get(state_.dbs.offset_to_id, offset_key(offset));
  if (!found.ok() || !found.value() || found.value()->size() != sizeof(layout::PointMeta))
    return std::nullopt;
  layout::PointMeta meta;
  std::memcpy(&meta, found.value()->data(), sizeof(meta));
  return meta;
}

std::optional<PointIdentity> PointReader::identity(uint32_t offset) const {
  if (state_.point_meta && alive(offset)) {
    if (const PointMetaTable::Entry* entry = state_.point_meta->find(offset))
      return PointIdentity{PointId::from_key(entry->id_key.data()), entry->version};
  }
  auto m = meta(offset);
  if (!m) return std::nullopt;
  return PointIdentity{PointId::from_key(m->id_key), m->version};
}

PointId PointReader::id(uint32_t offset) const {
  auto found = identity(offset);
  return found ? found->id : PointId{};
}

namespace {

// Rows of `dim` elements of `datatype` at `stored`, as float32: in place for float32.
StoredRows rows_of(const void* stored, uint32_t rows, uint32_t dim,
                   index::VectorDatatype datatype) {
  StoredRows out;
  out.rows = rows;
  if (datatype == index::VectorDatatype::kFloat32) {
    out.values = static_cast<const float*>(stored);
    return out;
  }
  out.decoded.resize(size_t(rows) * dim);
  decode_elements(datatype, stored, out.decoded.size(), out.decoded.data());
  out.values = out.decoded.data();
  return out;
}

}  // namespace

const void* PointReader::dense_data(size_t vector_index, uint32_t offset) const {
  const DenseColumn& column = state_.dense[vector_index];
  if (!column.present || !column.present->test(offset)) return nullptr;
  uint32_t chunk = offset >> column.per_chunk_shift;
  uint32_t slot = offset & (column.per_chunk - 1);
  const size_t vector_bytes = column.vector_bytes();
  if (column.chunks && chunk < column.chunks->size() && (*column.chunks)[chunk]) {
    return static_cast<const uint8_t*>((*column.chunks)[chunk]) + size_t(slot) * vector_bytes;
  }
  auto found = txn_.get(state_.dbs.dense[vector_index], offset_key(chunk));
  if (!found.ok() || !found.value()) return nullptr;
  size_t needed = (size_t(slot) + 1) * vector_bytes;
  if (found.value()->size() < needed) return nullptr;
  return found.value()->data() + size_t(slot) * vector_bytes;
}

std::optional<StoredRows> PointReader::dense(size_t vector_index, uint32_t offset) const {
  const void* stored = dense_data(vector_index, offset);
  if (!stored) return std::nullopt;
  const DenseColumn& column = state_.dense[vector_index];
  return rows_of(stored, 1, column.dim, column.datatype);
}

std::optional<SparseView> PointReader::sparse(size_t vector_index, uint32_t offset) const {
  auto found = txn_.get(state_.dbs.sparse[vector_index], offset_key(offset));
  if (!found.ok() || !found.value() || found.value()->size() < 4) return std::nullopt;
  const uint8_t* data = found.value()->data();
  uint32_t count;
  std::memcpy(&count, data, 4);
  if (found.value()->size() != 4 + size_t(count) * 8) return std::nullopt;
  SparseView view;
  view.indices = {reinterpret_cast<const uint32_t*>(data + 4), count};
  view.values = {reinterpret_cast<const float*>(data + 4 + size_t(count) * 4), count};
  return view;
}

std::optional<MultiView> PointReader::multi(size_t vector_index, uint32_t offset) const {
  auto found = txn_.get(state_.dbs.dense[vector_index], offset_key(offset));
  if (!found.ok() || !found.value() || found.value()->size() < 4) return std::nullopt;
  const uint8_t* data = found.value()->data();
  uint32_t rows;
  std::memcpy(&rows, data, 4);
  const auto& spec = schema_.dense[vector_index];
  if (found.value()->size() < 4 + size_t(rows) * stored_vector_bytes(spec.dim, spec.datatype))
    return std::nullopt;
  return rows_of(data + 4, rows, spec.dim, spec.datatype);
}

bool PointReader::has_vector(size_t index, bool is_sparse, uint32_t offset) const {
  if (is_sparse) {
    const auto& present = state_.sparse_present[index];
    return present && present->test(offset);
  }
  const auto& present = state_.dense[index].present;
  return present && present->test(offset);
}

bool PointReader::has_vector_named(std::string_view name, uint32_t offset) const {
  for (size_t i = 0; i < schema_.dense.size(); ++i)
    if (schema_.dense[i].name == name) return has_vector(i, false, offset);
  for (size_t i = 0; i < schema_.sparse.size(); ++i)
    if (schema_.sparse[i].name == name) return has_vector(i, true, offset);
  return false;
}

std::string_view PointReader::payload_text(uint32_t offset) const {
  auto found = txn_.get(state_.dbs.payload, offset_key(offset));
  if (!found.ok() || !found.value()) return {};
  return lmdb::as_string(*found.value());
}

std::optional<boost::json::object> PointReader::payload(uint32_t offset) const {
  std::string_view text = payload_text(offset);
  if (text.empty()) return boost::json::object{};
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.get_object());
}

PointVectors PointReader::vectors(uint32_t offset, const std::vector<std::string>* names) const {
  auto wanted = [&](const std::string& name) {
    if (!names) return true;
    for (const auto& n : *names)
      if (n == name) return true;
    return false;
  };
  PointVectors out;
  for (size_t i = 0; i < schema_.dense.size(); ++i) {
    const auto& spec = schema_.dense[i];
    if (!wanted(spec.name) || !has_vector(i, false, offset)) continue;
    if (spec.multivector) {
      if (auto m = multi(i, offset)) {
        MultiVector mv;
        mv.dim = spec.dim;
        mv.values.assign(m->values, m->values + size_t(m->rows) * spec.dim);
        out.multi.emplace(spec.name, std::move(mv));
      }
    } else if (auto v = dense(i, offset)) {
      out.dense.emplace(spec.name, std::vector<float>(v->values, v->values + spec.dim));
    }
  }
  for (size_t i = 0; i < schema_.sparse.size(); ++i) {
    const auto& spec = schema_.sparse[i];
    if (!wanted(spec.name) || !has_vector(i, true, offset)) continue;
    if (auto s = sparse(i, offset)) {
      SparseVector sv;
      sv.indices.assign(s->indices.begin(), s->indices.end());
      sv.values.assign(s->values.begin(), s->values.end());
      out.sparse.emplace(spec.name, std::move(sv));
    }
  }
  return out;
}

}  // namespace sextant::storage
