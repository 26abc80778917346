// The `qdrant/bm25` sparse model: terms from Bm25Tokenizer, hashed to indices with 32-bit
// MurmurHash3 (x86, seed 0) taken as a signed integer and made positive with |x| (Qdrant's wire
// format, so vectors indexed by Qdrant and by Sextant are interchangeable). Documents get
// BM25 term-frequency weights tf * (k + 1) / (tf + k * (1 - b + b * doc_len / avg_len)); queries
// get 1.0 per distinct term. Indices are ascending and distinct.
//
// Immutable after creation and safe to share between threads.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "embed/bm25_tokenizer.hpp"

namespace sextant::embed {

struct Bm25Options {
  double k = 1.2;
  double b = 0.75;
  double avg_len = 256.0;
  Bm25TextOptions text;
};

struct SparseEmbedding {
  std::vector<uint32_t> indices;
  std::vector<float> values;
};

class Bm25Model {
 public:
  // Rejects k < 0, b outside [0, 1], avg_len <= 0 and non-finite values, with Qdrant's texts.
  static Result<Bm25Model> create(const Bm25Options& options);

  SparseEmbedding embed_document(std::string_view text) const;
  SparseEmbedding embed_query(std::string_view text) const;

 private:
  Bm25Model(Bm25Options options, Bm25Tokenizer tokenizer)
      : options_(std::move(options)), tokenizer_(std::move(tokenizer)) {}
  Bm25Options options_;
  Bm25Tokenizer tokenizer_;
};

uint32_t murmur3_x86_32(std::string_view bytes, uint32_t seed);
// Qdrant's token index: |int32(murmur3(token, 0))|.
uint32_t bm25_token_index(std::string_view token);

}  // namespace sextant::embed
