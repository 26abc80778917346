// What every handler reaches: the storage engine, the parallel pool for searches, the API
// configuration and strict mode's rate limiters. Owned by Api; handlers borrow it for the server's
// lifetime.
#pragma once

#include <memory>

#include "api/api.hpp"
#include "api/issue_board.hpp"
#include "api/strict_mode/collection_rate_limits.hpp"
#include "inference/inference.hpp"
#include "storage/parallel.hpp"
#include "storage/storage.hpp"

namespace sextant::api {

using inference::Inference;

struct ApiContext {
  storage::Storage& storage;
  storage::ParallelPool& pool;
  const ApiConfig& config;
  Inference* inference = nullptr;  // null: Document objects are rejected
  // Strict mode's read/write rate limiters of every collection.
  std::unique_ptr<strict_mode::CollectionRateLimits> rate_limits =
      std::make_unique<strict_mode::CollectionRateLimits>();
  IssueBoard* issues = nullptr;  // null: nothing is reported to /issues
};

}  // namespace sextant::api
