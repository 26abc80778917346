// Verification of a copied collection, comparing the target with the source:
//   1. exact point counts (POST /points/count {"exact": true}) are equal;
//   2. a random sample of source points (Query API {"sample": "random"}) is read back from the
//      target by id and compared field by field: every vector (dense, sparse, multi) within a
//      float tolerance, the payload equal (numbers compared by value);
//   3. a few exact searches (params.exact = true) with sampled points' own vectors, under each
//      vector name, return the same ids in the same order from both sides (points whose scores
//      tie may trade places).
//
// Thread-safety: none; one Verifier per thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "migrate/qdrant_endpoint.hpp"

namespace sextant::migrate {

struct VerifyOptions {
  size_t sample_points = 100;
  size_t searches = 5;
  double tolerance = 1e-5;  // relative, per vector component
};

struct CollectionVerification {
  std::string collection;
  uint64_t source_points = 0;
  uint64_t target_points = 0;
  size_t sampled = 0;
  size_t sample_mismatches = 0;
  size_t searches = 0;
  size_t search_mismatches = 0;
  std::vector<std::string> problems;  // the first few mismatches, described

  bool ok() const {
    return source_points == target_points && sample_mismatches == 0 && search_mismatches == 0;
  }
};

Result<CollectionVerification> verify_collection(QdrantEndpoint& source, QdrantEndpoint& target,
                                                 const std::string& collection,
                                                 const VerifyOptions& options);

// Field-by-field comparison used by the sample check; exposed for unit tests. Numbers compare by
// value (1 == 1.0); inside "vector" members, within `tolerance` relative to max(1, |a|).
bool payload_equal(const boost::json::value& a, const boost::json::value& b);
bool vectors_equal(const boost::json::value& a, const boost::json::value& b, double tolerance);

}  // namespace sextant::migrate
