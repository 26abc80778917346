// Server-side inference for Qdrant `Document` objects: dense models run on the shared
// EmbedService (loaded from `embedding.models` in config), and `qdrant/bm25` (also "bm25", any
// case) produces sparse vectors locally with the BM25 options the wire parsed (Qdrant's
// Bm25Config).
//
// Errors follow Qdrant: an unknown model is a 400 naming it and listing the available ones; BM25
// options out of range are "Wrong input: ...". Documents are embedded with the model's
// normalisation and truncation to its max_seq_length.
//
// Ownership: borrows the EmbedService, which must outlive this object. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/status.hpp"
#include "embed/bm25_model.hpp"
#include "embed/embed_service.hpp"
#include "inference/inference.hpp"
#include "storage/point_types.hpp"

namespace sextant::inference {

class DocumentInference : public Inference {
 public:
  explicit DocumentInference(embed::EmbedService& service) : service_(service) {}

  bool is_sparse_model(const std::string& model) const override;
  Result<std::vector<float>> embed_dense(const std::string& model,
                                         const std::string& text) override;
  // Document-side BM25 (term-frequency weights): what upserts and vector updates store.
  Result<storage::SparseVector> embed_sparse(const std::string& model, const std::string& text,
                                             const embed::Bm25Options& options) override;
  // Query-side BM25 (1.0 per distinct term): what the Query API searches with.
  Result<storage::SparseVector> embed_sparse_query(const std::string& model,
                                                   const std::string& text,
                                                   const embed::Bm25Options& options) override;

  // The model names requests may use, dense ones first, then "qdrant/bm25".
  std::vector<std::string> available_models() const;

 private:
  embed::EmbedService& service_;
};

// Free-function forms for callers that hold an EmbedService but no DocumentInference.
Result<std::vector<float>> embed_document(embed::EmbedService& service, const std::string& model,
                                          const std::string& text);
// `for_query` selects query weighting (unit weights) over document weighting.
Result<storage::SparseVector> embed_bm25_document(const std::string& text,
                                                  const embed::Bm25Options& options,
                                                  bool for_query);

}  // namespace sextant::inference
