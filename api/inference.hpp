// Server-side inference of `Document` objects ({"text", "model", "options"}): the interface
// the point and query parsers call when a vector is given as text. The embedding module
// provides the implementation; when none is configured, documents are rejected with a clear
// error.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "storage/point_types.hpp"
#include "storage/status.hpp"

namespace sextant::api {

class Inference {
 public:
  virtual ~Inference() = default;
  // True when `model` produces sparse vectors (e.g. qdrant/bm25).
  virtual bool is_sparse_model(const std::string& model) const = 0;
  virtual storage::Result<std::vector<float>> embed_dense(const std::string& model,
                                                          const std::string& text,
                                                          const boost::json::object& options) = 0;
  virtual storage::Result<storage::SparseVector> embed_sparse(
      const std::string& model, const std::string& text, const boost::json::object& options) = 0;
  // Query-side sparse embedding: BM25 weights query terms 1.0 instead of by term frequency.
  // Defaults to the document form for models without a distinction.
  virtual storage::Result<storage::SparseVector> embed_sparse_query(
      const std::string& model, const std::string& text, const boost::json::object& options) {
    return embed_sparse(model, text, options);
  }
};

}  // namespace sextant::api
