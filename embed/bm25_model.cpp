// Term weighting and hashing for the BM25 sparse model.
#include "embed/bm25_model.hpp"

#include <cmath>
#include <cstring>
#include <map>
#include <sstream>

namespace sextant::embed {
namespace {

std::string number_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace

uint32_t murmur3_x86_32(std::string_view bytes, uint32_t seed) {
  const uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
  const size_t blocks = bytes.size() / 4;
  uint32_t hash = seed;
  auto rotl = [](uint32_t x, int r) { return (x << r) | (x >> (32 - r)); };
  for (size_t i = 0; i < blocks; ++i) {
    uint32_t k;
    std::memcpy(&k, bytes.data() + i * 4, 4);  // little-endian hosts only (x86-64, arm64)
    k *= c1;
    k = rotl(k, 15);
    k *= c2;
    hash ^= k;
    hash = rotl(hash, 13);
    hash = hash * 5 + 0xe6546b64;
  }
  const auto* tail = reinterpret_cast<const uint8_t*>(bytes.data() + blocks * 4);
  uint32_t k = 0;
  switch (bytes.size() & 3) {
    case 3:
      k ^= static_cast<uint32_t>(tail[2]) << 16;
      [[fallthrough]];
    case 2:
      k ^= static_cast<uint32_t>(tail[1]) << 8;
      [[fallthrough]];
    case 1:
      k ^= tail[0];
      k *= c1;
      k = rotl(k, 15);
      k *= c2;
      hash ^= k;
  }
  hash ^= static_cast<uint32_t>(bytes.size());
  hash ^= hash >> 16;
  hash *= 0x85ebca6b;
  hash ^= hash >> 13;
  hash *= 0xc2b2ae35;
  hash ^= hash >> 16;
  return hash;
}

uint32_t bm25_token_index(std::string_view token) {
  int32_t signed_hash = static_cast<int32_t>(murmur3_x86_32(token, 0));
  return signed_hash < 0 ? static_cast<uint32_t>(-static_cast<int64_t>(signed_hash))
                         : static_cast<uint32_t>(signed_hash);
}

Result<Bm25Model> Bm25Model::create(const Bm25Options& options) {
  if (!std::isfinite(options.k) || options.k < 0) {
    return Error{ErrorKind::kBadInput,
                 "BM25 k1 must be finite and >= 0, got " + number_text(options.k)};
  }
  if (!std::isfinite(options.b) || options.b < 0 || options.b > 1) {
    return Error{ErrorKind::kBadInput,
                 "BM25 b must be finite and in [0.0, 1.0], got " + number_text(options.b)};
  }
  if (!std::isfinite(options.avg_len) || options.avg_len <= 0) {
    return Error{ErrorKind::kBadInput,
                 "BM25 avg_doc_len must be finite and > 0, got " + number_text(options.avg_len)};
  }
  auto tokenizer = Bm25Tokenizer::create(options.text);
  if (!tokenizer) return tokenizer.error();
  return Bm25Model(options, std::move(*tokenizer));
}

SparseEmbedding Bm25Model::embed_document(std::string_view text) const {
  std::vector<std::string> terms = tokenizer_.tokenize_document(text);
  SparseEmbedding embedding;
  if (terms.empty()) return embedding;
  std::map<std::string, uint32_t> counts;
  for (const auto& term : terms) ++counts[term];
  const double doc_len = static_cast<double>(terms.size());
  const double k = options_.k, b = options_.b;
  std::map<uint32_t, float> weights;  // ascending indices; a hash collision keeps the last term
  for (const auto& [term, count] : counts) {
    double n = count;
    double tf = n * (k + 1.0) / std::fma(k, 1.0 - b + b * doc_len / options_.avg_len, n);
    weights[bm25_token_index(term)] = static_cast<float>(tf);
  }
  for (const auto& [index, value] : weights) {
    embedding.indices.push_back(index);
    embedding.values.push_back(value);
  }
  return embedding;
}

SparseEmbedding Bm25Model::embed_query(std::string_view text) const {
  SparseEmbedding embedding;
  std::map<uint32_t, float> unique;
  for (const auto& term : tokenizer_.tokenize_query(text)) unique[bm25_token_index(term)] = 1.0f;
  for (const auto& [index, value] : unique) {
    embedding.indices.push_back(index);
    embedding.values.push_back(value);
  }
  return embedding;
}

}  // namespace sextant::embed
