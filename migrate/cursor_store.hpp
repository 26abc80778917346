// The resumable state of a migration, kept in one JSON file (--state PATH):
//
//   {"version": 1, "source": URL, "target": URL,
//    "collections": {NAME: {"created": bool, "next_offset": ID|null, "done": bool,
//                           "points_copied": N}}}
//
// `next_offset` is the scroll offset that follows the last batch the target acknowledged
// (upsert with wait=true answered 200); a rerun scrolls from there. A batch acknowledged but not
// yet recorded when the process died is upserted again on the rerun, which is harmless: an
// upsert of the same ids with the same vectors and payload leaves the same points.
//
// Invariants:
//   - The file on disk is always a complete state: it is written to PATH.tmp, flushed and
//     renamed over PATH.
//   - A state written for another source/target pair is refused, not reused.
// Thread-safety: every method locks; collections are copied by several threads at once.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "common/status.hpp"
#include "migrate/http_client.hpp"

namespace sextant::migrate {

struct CollectionCursor {
  bool recorded = false;           // the state file has an entry for the collection
  bool created = false;            // collection, payload indexes and shard keys exist at the target
  boost::json::value next_offset;  // null: from the start (or, with done, nothing left)
  bool done = false;
  uint64_t points_copied = 0;
};

class CursorStore {
 public:
  // Loads PATH if it exists (checking it names the same source and target), else starts empty.
  static Result<std::unique_ptr<CursorStore>> open(const std::string& path,
                                                   const std::string& source_url,
                                                   const std::string& target_url);

  CollectionCursor get(const std::string& collection) const;
  // Records the cursor and writes the file before returning.
  Status put(const std::string& collection, const CollectionCursor& cursor);
  bool resumed() const { return resumed_; }

 private:
  CursorStore() = default;
  Status save_locked() const;

  mutable std::mutex mutex_;
  std::string path_;
  boost::json::object state_;
  bool resumed_ = false;
};

}  // namespace sextant::migrate
