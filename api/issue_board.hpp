// The issues report behind GET/DELETE /issues: problems Sextant noticed in how it is used, each
// with a solution, in Qdrant's IssueRecord shape {id, description, solution, timestamp,
// related_collection}. The one kind reported is Qdrant's UNINDEXED_FIELD: a search or query
// slower than service.slow_query_secs whose filter reads a payload field that no fitting
// payload index serves (query/unindexed_fields.hpp). Its id is
// "UNINDEXED_FIELD/{collection}/{field}".
//
// Invariants: an id is held once; a repeated submission keeps the first record (as Qdrant).
// Creating a payload index on the field solves its issue; deleting the collection solves all of
// the collection's issues; DELETE /issues clears the board.
// Thread-safety: every method may be called from any thread (one mutex).
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <mutex>
#include <string>
#include <vector>

#include "query/unindexed_fields.hpp"

namespace sextant::api {

class IssueBoard {
 public:
  void submit_unindexed_field(const std::string& collection, const query::UnindexedField& field);
  // A payload index was created on `field_name`.
  void solve_unindexed_field(const std::string& collection, const std::string& field_name);
  void solve_collection(const std::string& collection);
  void clear();
  // Every issue, or (for a JWT scoped to collections) those of `collections`.
  boost::json::array issues() const;
  boost::json::array issues_of(const std::vector<std::string>& collections) const;

 private:
  mutable std::mutex mutex_;
  std::vector<boost::json::object> records_;  // in submission order
};

}  // namespace sextant::api
