// Missing optional files fall back to the defaults of sentence-transformers itself (mean
// pooling, no normalisation unless modules.json lists a Normalize module, max length 512).
#include "embed/model_config.hpp"

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sextant::embed {
namespace fs = std::filesystem;
namespace {

// nullopt-like: a null value when the file does not exist; an error when it does not parse.
Result<boost::json::value> read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return boost::json::value(nullptr);
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code error;
  boost::json::value value = boost::json::parse(text.str(), error);
  if (error) return Error::corrupted(path.string() + " is not valid JSON: " + error.message());
  return value;
}

template <typename T>
void read_number(const boost::json::value& object, const char* key, T& out) {
  if (!object.is_object()) return;
  const auto* field = object.as_object().if_contains(key);
  if (!field) return;
  if (field->is_int64()) out = static_cast<T>(field->as_int64());
  if (field->is_double()) out = static_cast<T>(field->as_double());
}

void read_bool(const boost::json::value& object, const char* key, bool& out) {
  if (!object.is_object()) return;
  const auto* field = object.as_object().if_contains(key);
  if (field && field->is_bool()) out = field->as_bool();
}

}  // namespace

Result<ModelConfig> load_model_config(const std::string& model_dir) {
  fs::path dir(model_dir);
  ModelConfig config;
  auto architecture = read_json(dir / "config.json");
  if (!architecture) return architecture.error();
  if (!architecture->is_object())
    return Error{ErrorKind::kNotFound, model_dir + " has no config.json"};
  const auto& arch = *architecture;
  if (const auto* type = arch.as_object().if_contains("model_type");
      type && type->is_string() && type->as_string() != "bert") {
    return Error::corrupted(model_dir + ": model_type " + std::string(type->as_string()) +
                            " is not supported (BERT family only)");
  }
  if (const auto* act = arch.as_object().if_contains("hidden_act");
      act && act->is_string() && act->as_string() != "gelu") {
    return Error::corrupted(model_dir + ": hidden_act " + std::string(act->as_string()) +
                            " is not supported (gelu only)");
  }
  read_number(arch, "hidden_size", config.hidden_size);
  read_number(arch, "num_hidden_layers", config.layers);
  read_number(arch, "num_attention_heads", config.attention_heads);
  read_number(arch, "intermediate_size", config.intermediate_size);
  read_number(arch, "vocab_size", config.vocab_size);
  read_number(arch, "max_position_embeddings", config.max_position_embeddings);
  read_number(arch, "type_vocab_size", config.type_vocab_size);
  read_number(arch, "layer_norm_eps", config.layer_norm_eps);
  config.max_seq_length = config.max_position_embeddings;

  auto sbert = read_json(dir / "sentence_bert_config.json");
  if (!sbert) return sbert.error();
  read_number(*sbert, "max_seq_length", config.max_seq_length);

  auto tokenizer = read_json(dir / "tokenizer_config.json");
  if (!tokenizer) return tokenizer.error();
  read_bool(*tokenizer, "do_lower_case", config.do_lower_case);
  config.strip_accents = config.do_lower_case;
  read_bool(*tokenizer, "strip_accents", config.strip_accents);
  read_bool(*tokenizer, "tokenize_chinese_chars", config.tokenize_chinese_chars);

  // modules.json lists the pipeline; its Pooling entry names the folder of the pooling config.
  auto modules = read_json(dir / "modules.json");
  if (!modules) return modules.error();
  std::string pooling_folder = "1_Pooling";
  if (modules->is_array()) {
    config.normalize = false;
    for (const auto& module : modules->as_array()) {
      if (!module.is_object()) continue;
      const auto* type = module.as_object().if_contains("type");
      const auto* path = module.as_object().if_contains("path");
      if (!type || !type->is_string()) continue;
      std::string_view type_name = type->as_string();
      if (type_name.ends_with("Normalize")) config.normalize = true;
      if (type_name.ends_with("Pooling") && path && path->is_string()) {
        pooling_folder = std::string(path->as_string());
      }
    }
  }
  auto pooling = read_json(dir / pooling_folder / "config.json");
  if (!pooling) return pooling.error();
  bool mean = true, cls = false, max = false;
  read_bool(*pooling, "pooling_mode_mean_tokens", mean);
  read_bool(*pooling, "pooling_mode_cls_token", cls);
  read_bool(*pooling, "pooling_mode_max_tokens", max);
  config.pooling = cls ? Pooling::kCls : (max && !mean ? Pooling::kMax : Pooling::kMean);

  if (config.hidden_size <= 0 || config.attention_heads <= 0 ||
      config.hidden_size % config.attention_heads != 0 || config.layers <= 0 ||
      config.intermediate_size <= 0 || config.vocab_size <= 0) {
    return Error::corrupted(model_dir + "/config.json has inconsistent dimensions");
  }
  if (config.max_seq_length > config.max_position_embeddings) {
    config.max_seq_length = config.max_position_embeddings;
  }
  if (config.max_seq_length < 2) return Error::corrupted(model_dir + ": max_seq_length is below 2");
  return config;
}

}  // namespace sextant::embed
