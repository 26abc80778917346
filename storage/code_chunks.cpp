// Stored quantized codes: record and chunk framing, checks at load (code_chunks.hpp).
#include "storage/code_chunks.hpp"

#include <algorithm>
#include <cstring>

#include "common/crc32c.hpp"

namespace sextant::storage {
namespace {

constexpr char kRecordMagic[4] = {'S', 'X', 'C', 'R'};
constexpr char kChunkMagic[4] = {'S', 'X', 'C', 'C'};
constexpr CodesKind kStoredKinds[] = {CodesKind::kScalar, CodesKind::kBinary, CodesKind::kProduct,
                                      CodesKind::kTurbo};

const char* codes_prefix(CodesKind kind) {
  return kind == CodesKind::kBinary    ? "binary_codes"
         : kind == CodesKind::kProduct ? "pq_codes"
         : kind == CodesKind::kTurbo   ? "turbo_codes"
                                       : "codes";
}

std::span<const std::byte> as_span(lmdb::Bytes bytes) {
  return {reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()};
}

lmdb::Bytes as_value(const std::vector<std::byte>& bytes) {
  return {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()};
}

// Why stored chunk `chunk` (expected to frame `expected_bytes` of codes) cannot be used; empty
// when it can.
std::string chunk_problem(uint32_t chunk, std::span<const std::byte> stored,
                          size_t expected_bytes) {
  const std::string name = "code chunk " + std::to_string(chunk);
  CodeChunkHeader header;
  if (stored.size() < sizeof header)
    return name + " is truncated (" + std::to_string(stored.size()) + " bytes)";
  std::memcpy(&header, stored.data(), sizeof header);
  if (std::memcmp(header.magic, kChunkMagic, sizeof kChunkMagic) != 0)
    return name + " has no chunk header (written before code chunks had one)";
  if (header.format_version != kCodesFormatVersion)
    return name + " is of unknown format version " + std::to_string(header.format_version);
  if (header.code_bytes != expected_bytes || stored.size() != sizeof header + expected_bytes)
    return name + " holds " + std::to_string(stored.size() - sizeof header) + " bytes of codes, " +
           std::to_string(expected_bytes) + " expected";
  if (crc32c(stored.subspan(sizeof header)) != header.crc32c) return name + " fails its checksum";
  return {};
}

}  // namespace

std::string codes_record_key(size_t vector_index, CodesKind kind) {
  return codes_prefix(kind) + std::to_string(vector_index);
}

std::string code_chunk_key(size_t vector_index, CodesKind kind, uint32_t chunk) {
  return codes_record_key(vector_index, kind) + "/" + std::to_string(chunk);
}

PendingCodes pending_codes(const VectorCodes& codes, uint32_t dim, uint32_t persisted_count) {
  PendingCodes pending;
  pending.kind = codes.kind();
  pending.scale = codes.scale();
  pending.dim = dim;
  pending.count = codes.capacity();
  pending.state = codes.quantizer_state();
  pending.code_bytes = codes.code_bytes();
  pending.first_chunk = persisted_count / kCodesPerChunk;
  const auto all = codes.bytes();
  const size_t first_byte = size_t(pending.first_chunk) * kCodesPerChunk * pending.code_bytes;
  pending.tail.assign(all.begin() + std::ptrdiff_t(std::min(first_byte, all.size())), all.end());
  return pending;
}

Status write_codes(lmdb::Txn& txn, MDB_dbi graph_db, size_t vector_index,
                   const PendingCodes& pending) {
  if (pending.count == 0) return {};
  const size_t chunk_bytes = size_t(kCodesPerChunk) * pending.code_bytes;
  std::vector<std::byte> framed;
  for (size_t at = 0, chunk = pending.first_chunk; at < pending.tail.size();
       at += chunk_bytes, ++chunk) {
    const auto codes =
        std::span(pending.tail).subspan(at, std::min(chunk_bytes, pending.tail.size() - at));
    CodeChunkHeader header{};
    std::memcpy(header.magic, kChunkMagic, sizeof kChunkMagic);
    header.format_version = kCodesFormatVersion;
    header.code_bytes = uint32_t(codes.size());
    header.crc32c = crc32c(codes);
    framed.resize(sizeof header + codes.size());
    std::memcpy(framed.data(), &header, sizeof header);
    std::memcpy(framed.data() + sizeof header, codes.data(), codes.size());
    const std::string key = code_chunk_key(vector_index, pending.kind, uint32_t(chunk));
    if (auto st = txn.put(graph_db, lmdb::as_bytes(key), as_value(framed)); !st.ok()) return st;
  }
  CodesRecordHeader header{};
  std::memcpy(header.magic, kRecordMagic, sizeof kRecordMagic);
  header.format_version = kCodesFormatVersion;
  header.scale = pending.scale;
  header.dim = pending.dim;
  header.count = pending.count;
  header.state_bytes = uint32_t(pending.state.size());
  header.state_crc32c = crc32c(pending.state);
  std::vector<std::byte> record(sizeof header);
  std::memcpy(record.data(), &header, sizeof header);
  record.insert(record.end(), pending.state.begin(), pending.state.end());
  const std::string key = codes_record_key(vector_index, pending.kind);
  return txn.put(graph_db, lmdb::as_bytes(key), as_value(record));
}

Result<LoadedCodes> load_codes(const lmdb::Txn& txn, MDB_dbi graph_db, size_t vector_index,
                               const DenseVectorSpec& spec) {
  const CodesKind kind = VectorCodes::kind_for(spec);
  if (kind == CodesKind::kNone) return LoadedCodes{};
  auto found = txn.get(graph_db, lmdb::as_bytes(codes_record_key(vector_index, kind)));
  if (!found.ok()) return found.error();
  if (!found.value()) return LoadedCodes{};  // encoded by the next catch_up
  const auto record = as_span(*found.value());
  auto rejected = [](std::string why) { return LoadedCodes{nullptr, 0, std::move(why)}; };
  CodesRecordHeader header;
  if (record.size() < sizeof header ||
      std::memcmp(record.data(), kRecordMagic, sizeof kRecordMagic) != 0)
    return rejected("the codes record has no header (written before code chunks had one)");
  std::memcpy(&header, record.data(), sizeof header);
  if (header.format_version != kCodesFormatVersion)
    return rejected("the codes record is of unknown format version " +
                    std::to_string(header.format_version));
  if (record.size() != sizeof header + size_t(header.state_bytes))
    return rejected("the codes record holds " + std::to_string(record.size()) + " bytes, " +
                    std::to_string(sizeof header + size_t(header.state_bytes)) + " expected");
  const auto state = record.subspan(sizeof header);
  if (crc32c(state) != header.state_crc32c) return rejected("the codes record fails its checksum");
  // Codes of another configuration are encoded again without a word: nothing is damaged.
  if (header.dim != spec.dim) return LoadedCodes{};
  // The code size follows from the quantizer: restore it without codes first.
  auto empty = VectorCodes::restore(spec, kind, header.scale, state, {});
  if (!empty) return LoadedCodes{};
  const size_t code_bytes = empty->code_bytes();
  std::vector<std::byte> all(size_t(header.count) * code_bytes);
  for (uint32_t chunk = 0; size_t(chunk) * kCodesPerChunk < header.count; ++chunk) {
    auto stored = txn.get(graph_db, lmdb::as_bytes(code_chunk_key(vector_index, kind, chunk)));
    if (!stored.ok()) return stored.error();
    if (!stored.value()) return rejected("code chunk " + std::to_string(chunk) + " is missing");
    const size_t begin = size_t(chunk) * kCodesPerChunk * code_bytes;
    const size_t length = std::min(all.size() - begin, size_t(kCodesPerChunk) * code_bytes);
    const auto framed = as_span(*stored.value());
    if (std::string why = chunk_problem(chunk, framed, length); !why.empty())
      return rejected(std::move(why));
    std::memcpy(all.data() + begin, framed.data() + sizeof(CodeChunkHeader), length);
  }
  return LoadedCodes{VectorCodes::restore(spec, kind, header.scale, state, all), header.count, {}};
}

Status remove_codes_except(lmdb::Txn& txn, MDB_dbi graph_db, size_t vector_index, CodesKind kept) {
  for (CodesKind kind : kStoredKinds) {
    if (kind == kept) continue;
    auto removed = txn.del(graph_db, lmdb::as_bytes(codes_record_key(vector_index, kind)));
    if (!removed.ok()) return removed.error();
    if (!removed.value()) continue;
    for (uint32_t chunk = 0;; ++chunk) {
      removed = txn.del(graph_db, lmdb::as_bytes(code_chunk_key(vector_index, kind, chunk)));
      if (!removed.ok()) return removed.error();
      if (!removed.value()) break;
    }
  }
  return {};
}

}  // namespace sextant::storage
