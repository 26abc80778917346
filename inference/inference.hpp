// Server-side inference of Qdrant `Document` objects ({"text", "model", "options"}): the typed,
// wire-independent interface that turns a document's text into the vector its model makes.
// Every wire (REST today, gRPC beside it later) parses its own form of a Document into these
// calls: the model name, the text, and, for sparse models, typed BM25 options.
//
// The embedding module provides the implementation (document_inference.hpp); when none is
// configured, callers hold a null Inference* and reject documents with a clear error.
//
// Errors are Error values carrying Qdrant's texts, ready for any wire to map.
#pragma once

#include <string>
#include <vector>

#include "common/status.hpp"
#include "embed/bm25_model.hpp"
#include "storage/point_types.hpp"

namespace sextant::inference {

class Inference {
 public:
  virtual ~Inference() = default;
  // True when `model` produces sparse vectors (e.g. qdrant/bm25); its documents then take
  // BM25 options, and dense models none.
  virtual bool is_sparse_model(const std::string& model) const = 0;
  virtual Result<std::vector<float>> embed_dense(const std::string& model,
                                                 const std::string& text) = 0;
  // Document-side sparse embedding: what upserts and vector updates store.
  virtual Result<storage::SparseVector> embed_sparse(const std::string& model,
                                                     const std::string& text,
                                                     const embed::Bm25Options& options) = 0;
  // Query-side sparse embedding: BM25 weights query terms 1.0 instead of by term frequency.
  // Defaults to the document form for models without a distinction.
  virtual Result<storage::SparseVector> embed_sparse_query(const std::string& model,
                                                           const std::string& text,
                                                           const embed::Bm25Options& options) {
    return embed_sparse(model, text, options);
  }
};

}  // namespace sextant::inference
