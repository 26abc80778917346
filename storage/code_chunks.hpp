// The on-disk form of a vector field's quantized codes (VectorCodes), in the collection's
// `graph` table beside the HNSW images. Keys, for dense vector i and a codes kind with prefix P
// ("codes" for scalar int8, "binary_codes", "pq_codes", "turbo_codes"):
//
//   P<i>      record: CodesRecordHeader below, then the quantizer state (VectorCodes::
//             quantizer_state(): what decoding needs besides the codes)
//   P<i>/<c>  chunk c: CodeChunkHeader below, then the codes of offsets [c*K, (c+1)*K) (fewer in
//             the last chunk), K = kCodesPerChunk, code_bytes() bytes each
//
// Every record and chunk carries a format version and the CRC-32C of the bytes it frames. A
// store whose record, or any chunk, has an unknown version, a wrong length or a checksum that
// does not match is rejected as a whole with the reason, and the caller encodes the codes again
// from the stored vectors and rewrites every chunk. Stores written before the headers existed
// (a 12-byte {scale, dim, count} record and bare chunks) are rejected the same way: nothing can
// verify them, and re-encoding writes them back in this format (docs/architecture.md).
//
// Invariant: a code never changes once written (offsets are never reused within an offset
// space), so a persist writes only the chunks from the first one not yet complete on disk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "storage/collection_schema.hpp"
#include "storage/lmdb.hpp"
#include "storage/vector_codes.hpp"

namespace sextant::storage {

constexpr uint32_t kCodesPerChunk = 4096;
constexpr uint32_t kCodesFormatVersion = 1;

struct CodesRecordHeader {
  char magic[4];  // "SXCR"
  uint32_t format_version;
  float scale;  // scalar codes only
  uint32_t dim;
  uint32_t count;  // offsets [0, count) have codes
  uint32_t state_bytes;
  uint32_t state_crc32c;
  uint32_t reserved;  // 0
};
static_assert(sizeof(CodesRecordHeader) == 32);

struct CodeChunkHeader {
  char magic[4];  // "SXCC"
  uint32_t format_version;
  uint32_t code_bytes;  // bytes of codes that follow the header
  uint32_t crc32c;      // of those bytes
};
static_assert(sizeof(CodeChunkHeader) == 16);

// The codes of one field, copied under the index's lock, to be written outside it.
struct PendingCodes {
  CodesKind kind = CodesKind::kNone;
  float scale = 0;
  uint32_t dim = 0;
  uint32_t count = 0;
  std::vector<std::byte> state;
  size_t code_bytes = 0;
  uint32_t first_chunk = 0;
  std::vector<std::byte> tail;  // codes from first_chunk's start to the end
};

// What load_codes found: codes, or none. `rejected` says why stored codes were not used when
// they were damaged or in an older format (empty when they loaded, were absent, or are of
// another configuration, which is encoded again silently).
struct LoadedCodes {
  std::unique_ptr<VectorCodes> codes;
  uint32_t count = 0;  // offsets with a stored code
  std::string rejected;
};

// Copies `codes` for a persist that has already stored the codes of offsets below
// `persisted_count`.
PendingCodes pending_codes(const VectorCodes& codes, uint32_t dim, uint32_t persisted_count);

// Writes the record and the chunks from `pending.first_chunk` on, in `txn`.
Status write_codes(lmdb::Txn& txn, MDB_dbi graph_db, size_t vector_index,
                   const PendingCodes& pending);

// Reads the stored codes of the kind `spec` asks for (VectorCodes::kind_for).
Result<LoadedCodes> load_codes(const lmdb::Txn& txn, MDB_dbi graph_db, size_t vector_index,
                               const DenseVectorSpec& spec);

// Deletes stored codes of every kind but `kept` (a configuration change left them behind).
Status remove_codes_except(lmdb::Txn& txn, MDB_dbi graph_db, size_t vector_index, CodesKind kept);

// The keys above, for tests and tools that inspect a store.
std::string codes_record_key(size_t vector_index, CodesKind kind);
std::string code_chunk_key(size_t vector_index, CodesKind kind, uint32_t chunk);

}  // namespace sextant::storage
