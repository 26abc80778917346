// What every handler reaches: the storage engine, the parallel pool for searches, and the
// API configuration. Owned by Api; handlers borrow it for the server's lifetime.
#pragma once

#include "api/api.hpp"
#include "api/issue_board.hpp"
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
  IssueBoard* issues = nullptr;    // null: nothing is reported to /issues
};

}  // namespace sextant::api
