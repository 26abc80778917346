// Quantized codes of one vector field, whatever their kind (vector_codes.hpp).
#include "storage/vector_codes.hpp"

#include <cstring>
#include <optional>

namespace sextant::storage {
namespace {

// Internal codes keep every component of the sample unclipped: at quantile 0.99 the walk on
// them misses true neighbours whose largest components are cut (recall 0.988 at hnsw_ef 256
// where the float walk reaches 0.999, docs/benchmarks.md).
constexpr float kInternalQuantile = 1.0f;

// True when scalar codes of `spec` clip nothing: internal, or a configured quantile of 1.
bool unclipped_scalar(const DenseVectorSpec& spec) {
  if (const auto* scalar = std::get_if<ScalarQuantization>(&spec.quantization))
    return scalar->quantile >= 1.0f;
  return true;
}

template <typename T>
std::span<const std::byte> as_byte_span(std::span<const T> values) {
  return {reinterpret_cast<const std::byte*>(values.data()), values.size_bytes()};
}

// Binary state: u32 encoding, u32 count of statistics (0 or dim), then means and deviations.
std::vector<std::byte> binary_state(const index::BinaryQuantizer& quantizer) {
  const uint32_t encoding = uint32_t(quantizer.encoding());
  const uint32_t count = uint32_t(quantizer.means().size());
  std::vector<std::byte> out(8 + size_t(count) * 8);
  std::memcpy(out.data(), &encoding, 4);
  std::memcpy(out.data() + 4, &count, 4);
  if (count > 0) {
    std::memcpy(out.data() + 8, quantizer.means().data(), size_t(count) * 4);
    std::memcpy(out.data() + 8 + size_t(count) * 4, quantizer.deviations().data(),
                size_t(count) * 4);
  }
  return out;
}

std::optional<index::BinaryQuantizer> binary_from_state(std::span<const std::byte> state,
                                                        uint32_t dim) {
  uint32_t encoding = 0, count = 0;
  if (state.size() < 8) return std::nullopt;
  std::memcpy(&encoding, state.data(), 4);
  std::memcpy(&count, state.data() + 4, 4);
  if (encoding > uint32_t(index::BinaryEncoding::kOneAndHalfBits) || (count != 0 && count != dim) ||
      state.size() != 8 + size_t(count) * 8)
    return std::nullopt;
  std::vector<float> means(count), deviations(count);
  if (count > 0) {
    std::memcpy(means.data(), state.data() + 8, size_t(count) * 4);
    std::memcpy(deviations.data(), state.data() + 8 + size_t(count) * 4, size_t(count) * 4);
  }
  return index::BinaryQuantizer(index::BinaryEncoding(encoding), dim, std::move(means),
                                std::move(deviations));
}

// Product state: u32 sub-vector count, then the codebooks (kCentroids * dim floats).
std::vector<std::byte> product_state(const index::ProductQuantizer& quantizer) {
  const uint32_t sub_count = quantizer.sub_count();
  const auto& codebooks = quantizer.codebooks();
  std::vector<std::byte> out(4 + codebooks.size() * 4);
  std::memcpy(out.data(), &sub_count, 4);
  if (!codebooks.empty()) std::memcpy(out.data() + 4, codebooks.data(), codebooks.size() * 4);
  return out;
}

std::optional<index::ProductQuantizer> product_from_state(std::span<const std::byte> state,
                                                          uint32_t dim) {
  uint32_t sub_count = 0;
  const size_t floats = size_t(index::ProductQuantizer::kCentroids) * dim;
  if (state.size() != 4 + floats * 4) return std::nullopt;
  std::memcpy(&sub_count, state.data(), 4);
  std::vector<float> codebooks(floats);
  std::memcpy(codebooks.data(), state.data() + 4, floats * 4);
  index::ProductQuantizer quantizer(dim, sub_count, std::move(codebooks));
  if (!quantizer.valid()) return std::nullopt;
  return quantizer;
}

// Turbo state: u32 bit size, u32 rotation seed (the quantizer follows from them and dim).
std::vector<std::byte> turbo_state(const index::TurboQuantizer& quantizer) {
  const uint32_t fields[2] = {uint32_t(quantizer.bits()), quantizer.seed()};
  std::vector<std::byte> out(8);
  std::memcpy(out.data(), fields, 8);
  return out;
}

std::optional<index::TurboQuantizer> turbo_from_state(std::span<const std::byte> state,
                                                      uint32_t dim) {
  uint32_t fields[2];
  if (state.size() != 8) return std::nullopt;
  std::memcpy(fields, state.data(), 8);
  if (fields[0] > uint32_t(index::TurboBits::kBits4)) return std::nullopt;
  return index::TurboQuantizer(dim, index::TurboBits(fields[0]), fields[1]);
}

// Bits per query component for `query_encoding` (0: encoded like the stored codes).
uint32_t query_bits(const BinaryQuantization& binary) {
  switch (binary.query_encoding) {
    case BinaryQueryEncoding::kScalar4Bits:
      return 4;
    case BinaryQueryEncoding::kScalar8Bits:
      return 8;
    case BinaryQueryEncoding::kDefault:
    case BinaryQueryEncoding::kBinary:
      return 0;
  }
  return 0;
}

uint32_t product_sub_count(const DenseVectorSpec& spec) {
  return index::ProductQuantizer::sub_count_for(
      spec.dim, std::get<ProductQuantization>(spec.quantization).compression);
}

}  // namespace

CodesKind VectorCodes::kind_for(const DenseVectorSpec& spec) {
  // Quantizers are trained and encoded on float32 vectors only.
  if (spec.multivector || spec.dim == 0 || spec.datatype != Datatype::kFloat32)
    return CodesKind::kNone;
  if (std::holds_alternative<ScalarQuantization>(spec.quantization))
    return spec.distance == Distance::kManhattan ? CodesKind::kNone : CodesKind::kScalar;
  if (std::holds_alternative<BinaryQuantization>(spec.quantization)) return CodesKind::kBinary;
  if (std::holds_alternative<ProductQuantization>(spec.quantization)) return CodesKind::kProduct;
  if (std::holds_alternative<TurboQuantization>(spec.quantization))
    return spec.distance == Distance::kManhattan ? CodesKind::kNone : CodesKind::kTurbo;
  return internal_for(spec) ? CodesKind::kScalar : CodesKind::kNone;
}

bool VectorCodes::internal_for(const DenseVectorSpec& spec) {
  return std::holds_alternative<std::monostate>(spec.quantization) && !spec.multivector &&
         spec.dim > 0 && spec.datatype == Datatype::kFloat32 &&
         spec.distance != Distance::kManhattan;
}

std::unique_ptr<VectorCodes> VectorCodes::train(const DenseVectorSpec& spec,
                                                const index::VectorSource& source,
                                                std::span<const uint32_t> sample,
                                                unsigned threads) {
  auto codes = std::make_unique<VectorCodes>();
  codes->kind_ = kind_for(spec);
  codes->internal_ = internal_for(spec);
  codes->unclipped_ = unclipped_scalar(spec);
  switch (codes->kind_) {
    case CodesKind::kNone:
      return nullptr;
    case CodesKind::kScalar: {
      const float quantile = codes->internal_
                                 ? kInternalQuantile
                                 : std::get<ScalarQuantization>(spec.quantization).quantile;
      codes->scalar_ = std::make_unique<index::QuantizedVectors>(
          index::ScalarQuantizer::train(source, sample, quantile), spec.dim);
      break;
    }
    case CodesKind::kBinary: {
      const auto& binary = std::get<BinaryQuantization>(spec.quantization);
      codes->binary_ = std::make_unique<index::BinaryVectors>(
          index::BinaryQuantizer::train(binary.encoding, source, sample));
      codes->binary_->set_query_bits(query_bits(binary));
      break;
    }
    case CodesKind::kProduct:
      codes->product_ = std::make_unique<index::ProductVectors>(
          index::ProductQuantizer::train(source, sample, product_sub_count(spec), threads));
      break;
    case CodesKind::kTurbo:  // nothing to learn: the rotation and levels are fixed
      codes->turbo_ = std::make_unique<index::TurboVectors>(
          index::TurboQuantizer(spec.dim, std::get<TurboQuantization>(spec.quantization).bits));
      break;
  }
  return codes;
}

std::unique_ptr<VectorCodes> VectorCodes::restore(const DenseVectorSpec& spec, CodesKind kind,
                                                  float scale, std::span<const std::byte> state,
                                                  std::span<const std::byte> stored) {
  if (kind != kind_for(spec)) return nullptr;
  auto codes = std::make_unique<VectorCodes>();
  codes->kind_ = kind;
  codes->internal_ = internal_for(spec);
  codes->unclipped_ = unclipped_scalar(spec);
  switch (kind) {
    case CodesKind::kNone:
      return nullptr;
    case CodesKind::kScalar: {
      if (!state.empty() || stored.size() % spec.dim != 0) return nullptr;
      codes->scalar_ =
          std::make_unique<index::QuantizedVectors>(index::ScalarQuantizer(scale), spec.dim);
      codes->scalar_->assign({reinterpret_cast<const int8_t*>(stored.data()), stored.size()});
      break;
    }
    case CodesKind::kBinary: {
      auto quantizer = binary_from_state(state, spec.dim);
      // A stored encoding other than the configured one is encoded again.
      if (!quantizer ||
          quantizer->encoding() != std::get<BinaryQuantization>(spec.quantization).encoding)
        return nullptr;
      codes->binary_ = std::make_unique<index::BinaryVectors>(*quantizer);
      codes->binary_->set_query_bits(query_bits(std::get<BinaryQuantization>(spec.quantization)));
      const size_t code_bytes = codes->binary_->vector_bytes();
      if (code_bytes == 0 || stored.size() % code_bytes != 0) return nullptr;
      std::vector<uint64_t> words(stored.size() / 8);
      if (!words.empty()) std::memcpy(words.data(), stored.data(), stored.size());
      codes->binary_->assign(words);
      break;
    }
    case CodesKind::kProduct: {
      auto quantizer = product_from_state(state, spec.dim);
      // Codebooks for another compression than the configured one are trained again.
      if (!quantizer || quantizer->sub_count() != product_sub_count(spec)) return nullptr;
      codes->product_ = std::make_unique<index::ProductVectors>(std::move(*quantizer));
      if (stored.size() % codes->product_->vector_bytes() != 0) return nullptr;
      codes->product_->assign({reinterpret_cast<const uint8_t*>(stored.data()), stored.size()});
      break;
    }
    case CodesKind::kTurbo: {
      auto quantizer = turbo_from_state(state, spec.dim);
      // Codes of another bit size than the configured one are encoded again.
      if (!quantizer || quantizer->bits() != std::get<TurboQuantization>(spec.quantization).bits)
        return nullptr;
      codes->turbo_ = std::make_unique<index::TurboVectors>(std::move(*quantizer));
      if (stored.size() % codes->turbo_->vector_bytes() != 0) return nullptr;
      codes->turbo_->assign({reinterpret_cast<const uint8_t*>(stored.data()), stored.size()});
      break;
    }
  }
  return codes;
}

const index::QuantizedVectors* VectorCodes::link_codes() const {
  return unclipped_ ? scalar_.get() : nullptr;
}

uint32_t VectorCodes::capacity() const {
  if (scalar_) return scalar_->capacity();
  if (binary_) return binary_->capacity();
  if (product_) return product_->capacity();
  if (turbo_) return turbo_->capacity();
  return 0;
}

size_t VectorCodes::code_bytes() const {
  if (scalar_) return scalar_->vector_bytes();
  if (binary_) return binary_->vector_bytes();
  if (product_) return product_->vector_bytes();
  if (turbo_) return turbo_->vector_bytes();
  return 0;
}

float VectorCodes::scale() const { return scalar_ ? scalar_->quantizer().scale() : 0.0f; }

std::vector<std::byte> VectorCodes::quantizer_state() const {
  if (binary_) return binary_state(binary_->quantizer());
  if (product_) return product_state(product_->quantizer());
  if (turbo_) return turbo_state(turbo_->quantizer());
  return {};
}

std::span<const std::byte> VectorCodes::bytes() const {
  if (scalar_) return as_byte_span(scalar_->codes());
  if (binary_) return as_byte_span(binary_->codes());
  if (product_) return as_byte_span(product_->codes());
  if (turbo_) return as_byte_span(turbo_->codes());
  return {};
}

size_t VectorCodes::memory_bytes() const {
  if (scalar_) return scalar_->memory_bytes();
  if (binary_) return binary_->memory_bytes();
  if (product_) return product_->memory_bytes();
  if (turbo_) return turbo_->memory_bytes();
  return 0;
}

void VectorCodes::encode_all(std::span<const uint32_t> offsets, const index::VectorSource& source,
                             unsigned threads) {
  if (scalar_) scalar_->encode_all(offsets, source, threads);
  if (binary_) binary_->encode_all(offsets, source, threads);
  if (product_) product_->encode_all(offsets, source, threads);
  if (turbo_) turbo_->encode_all(offsets, source, threads);
}

void VectorCodes::attach(index::SearchRequest& request) const {
  request.quantized = scalar_.get();
  request.binary = binary_.get();
  request.product = product_.get();
  request.turbo = turbo_.get();
}

}  // namespace sextant::storage
