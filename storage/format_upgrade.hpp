// Brings a collection written in an older storage format (storage/point_layout.hpp) up to the
// current one, inside the opening write transaction, so the rest of storage reads one layout.
//
// Format 1 -> 2: format 1 stored float16 and uint8 vectors as float32 (their values already
// rounded/truncated to the datatype); they are rewritten at 2 and 1 bytes per element, dense
// chunks regrouped for the smaller vector size. float32 vectors are the same in both formats and
// are not touched. HNSW images built on float32 elements no longer match the vector's datatype
// and are rebuilt by the vector index (storage/vector_index.cpp).
#pragma once

#include <cstdint>

#include "common/status.hpp"
#include "storage/collection_schema.hpp"
#include "storage/lmdb.hpp"
#include "storage/view_state.hpp"

namespace sextant::storage {

// Upgrades the collection from `stored_version` to layout::kFormatVersion; an error for a
// version this build cannot read. The caller records the new version.
Status upgrade_storage_format(lmdb::Txn& txn, const CollectionSchema& schema,
                              const CollectionDbs& dbs, uint32_t stored_version);

}  // namespace sextant::storage
