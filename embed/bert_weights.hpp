// The parameters of a BERT encoder, read from model.safetensors. Most tensors are used in place
// from the file mapping (zero copy); the query/key/value projections are concatenated once at
// load into one [3*hidden x hidden] matrix so each layer needs a single QKV product.
//
// Ownership: BertWeights owns the SafetensorsFile; every pointer below points into it or into
// the owned fused/packed buffers and is valid while the BertWeights lives. Immutable after load,
// except for the packed copies an int8 encoder releases (below).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "embed/model_config.hpp"
#include "embed/packed_weights.hpp"
#include "embed/safetensors_file.hpp"

namespace sextant::embed {

struct BertLayerWeights {
  std::vector<float> qkv_weight;         // [3*hidden x hidden]: query rows, then key, then value
  std::vector<float> qkv_bias;           // [3*hidden]
  const float* attention_output_weight;  // [hidden x hidden]
  const float* attention_output_bias;
  const float* attention_norm_gamma;
  const float* attention_norm_beta;
  const float* intermediate_weight;  // [intermediate x hidden]
  const float* intermediate_bias;
  const float* output_weight;  // [hidden x intermediate]
  const float* output_bias;
  const float* output_norm_gamma;
  const float* output_norm_beta;
  // The same four products packed for VectorKernels::gemm_packed. An int8 BertEncoder releases
  // (empties) the copies of the products it runs on int8 weights, once, when it is built.
  PackedWeights qkv_packed;
  PackedWeights attention_output_packed;
  PackedWeights intermediate_packed;
  PackedWeights output_packed;
};

struct BertWeights {
  static Result<std::unique_ptr<BertWeights>> load(const std::string& safetensors_path,
                                                   const ModelConfig& config);

  std::unique_ptr<SafetensorsFile> file;
  const float* word_embeddings;        // [vocab x hidden]
  const float* position_embeddings;    // [max_position x hidden]
  const float* token_type_embeddings;  // [type_vocab x hidden]; row 0 is used
  const float* embedding_norm_gamma;
  const float* embedding_norm_beta;
  std::vector<BertLayerWeights> layers;
};

}  // namespace sextant::embed
