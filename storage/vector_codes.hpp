// VectorCodes: the quantized codes of one dense vector field, whatever the configured kind
// (scalar int8, binary, product, turbo), behind one interface, so VectorIndex trains, encodes,
// persists, restores and searches them the same way.
//
// Persisted form: `quantizer_state()` (what decoding needs besides the codes: empty for scalar,
// whose scale travels in the header; the encoding and per-dimension statistics for binary; the
// codebooks for product; bit size and rotation seed for turbo) and `code_bytes()` bytes per
// offset, contiguous by offset (`bytes()`).
//
// A float32 Cosine/Dot/Euclid field configured without quantization still gets scalar int8 codes
// of its own (`internal()`): searches walk the graph on them and rescore the whole beam on the
// float32 vectors, so recall per hnsw_ef matches the float walk at a fraction of the memory
// traffic. They sit beside the vectors (never instead), are persisted under the scalar kind's
// keys like configured codes, and are not a quantization_config: the collection's configuration
// and its info are unchanged. Their scale clips no sampled component, so links are chosen on them.
//
// Ownership and threading follow the underlying stores (QuantizedVectors, BinaryVectors,
// ProductVectors, TurboVectors): growth must not race with readers; the owner (VectorIndex)
// serialises writers against searches.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "index/hnsw/search_request.hpp"
#include "index/hnsw/vector_source.hpp"
#include "index/quantization/binary_quantizer.hpp"
#include "index/quantization/product_quantizer.hpp"
#include "index/quantization/scalar_quantizer.hpp"
#include "index/quantization/turbo_quantizer.hpp"
#include "storage/collection_schema.hpp"

namespace sextant::storage {

// Stored values: never renumber.
enum class CodesKind : uint32_t { kNone = 0, kScalar = 1, kBinary = 2, kProduct = 3, kTurbo = 4 };

class VectorCodes {
 public:
  // The kind of codes `spec` asks for and this index can search with: the configured kind, or
  // kScalar for internal codes (a float32 Cosine/Dot/Euclid field without quantization); kNone
  // otherwise (multivectors, other datatypes, scalar or turbo with Manhattan).
  static CodesKind kind_for(const DenseVectorSpec& spec);
  // True when `spec` has no quantization configured and gets internal int8 codes.
  static bool internal_for(const DenseVectorSpec& spec);

  // Trains the quantizer of `spec`'s kind on the vectors at `sample` (on `threads` threads where
  // training is heavy: product codebooks). nullptr for kNone.
  static std::unique_ptr<VectorCodes> train(const DenseVectorSpec& spec,
                                            const index::VectorSource& source,
                                            std::span<const uint32_t> sample, unsigned threads);
  // Codes of `kind` from their persisted form; nullptr when it does not fit `spec` (then the
  // caller encodes again). `scale` is the scalar quantizer's.
  static std::unique_ptr<VectorCodes> restore(const DenseVectorSpec& spec, CodesKind kind,
                                              float scale, std::span<const std::byte> state,
                                              std::span<const std::byte> codes);

  CodesKind kind() const { return kind_; }
  // Internal codes (see above): searches always walk on them and rescore the whole beam.
  bool internal() const { return internal_; }
  uint32_t capacity() const;
  size_t code_bytes() const;
  float scale() const;  // the scalar quantizer's scale; 0 for other kinds
  std::vector<std::byte> quantizer_state() const;
  std::span<const std::byte> bytes() const;
  size_t memory_bytes() const;

  // Encodes every offset of `offsets` from `source`, on `threads` threads.
  void encode_all(std::span<const uint32_t> offsets, const index::VectorSource& source,
                  unsigned threads);
  // Points the request's walk at these codes.
  void attach(index::SearchRequest& request) const;
  // The codes the graph's links may be chosen on (a faster build, the same recall): int8 codes
  // that clip no component (internal codes, or a configured quantile of 1); nullptr otherwise,
  // so links are chosen on float32: clipped codes misorder the largest components and cost the
  // graph recall (docs/benchmarks.md).
  const index::QuantizedVectors* link_codes() const;

 private:
  CodesKind kind_ = CodesKind::kNone;
  bool internal_ = false;
  bool unclipped_ = false;  // scalar codes whose scale keeps every sampled component
  std::unique_ptr<index::QuantizedVectors> scalar_;
  std::unique_ptr<index::BinaryVectors> binary_;
  std::unique_ptr<index::ProductVectors> product_;
  std::unique_ptr<index::TurboVectors> turbo_;
};

}  // namespace sextant::storage
