// Vocabulary loading and the WordPiece algorithm. Normalisation lives in bert_normalizer.cpp.
#include "embed/wordpiece_tokenizer.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sextant::embed {
namespace fs = std::filesystem;
namespace {

void read_flag(const boost::json::object& object, const char* key, bool& out) {
  if (const auto* field = object.if_contains(key); field && field->is_bool()) {
    out = field->as_bool();
  }
}

}  // namespace

Result<std::unique_ptr<WordpieceTokenizer>> WordpieceTokenizer::load(
    const std::string& model_dir, const BertNormalizerOptions& defaults, int max_length) {
  std::unique_ptr<WordpieceTokenizer> tokenizer(new WordpieceTokenizer());
  tokenizer->normalizer_ = defaults;
  tokenizer->max_length_ = max_length;
  fs::path dir(model_dir);

  if (std::ifstream json_file(dir / "tokenizer.json"); json_file) {
    std::stringstream text;
    text << json_file.rdbuf();
    boost::system::error_code error;
    boost::json::value root = boost::json::parse(text.str(), error);
    if (error || !root.is_object()) {
      return Error::corrupted(model_dir + "/tokenizer.json is not valid JSON");
    }
    const auto* model = root.as_object().if_contains("model");
    if (!model || !model->is_object())
      return Error::corrupted(model_dir + "/tokenizer.json has no model");
    const auto& fields = model->as_object();
    if (const auto* type = fields.if_contains("type");
        type && type->is_string() && type->as_string() != "WordPiece") {
      return Error::corrupted(model_dir + "/tokenizer.json: tokenizer model " +
                              std::string(type->as_string()) +
                              " is not supported (WordPiece only)");
    }
    const auto* vocab = fields.if_contains("vocab");
    if (!vocab || !vocab->is_object()) {
      return Error::corrupted(model_dir + "/tokenizer.json has no WordPiece vocab");
    }
    for (const auto& [token, id] : vocab->as_object()) {
      if (id.is_int64()) tokenizer->vocab_.emplace(std::string(token), id.as_int64());
    }
    if (const auto* unk = fields.if_contains("unk_token"); unk && unk->is_string()) {
      tokenizer->unk_token_ = std::string(unk->as_string());
    }
    if (const auto* prefix = fields.if_contains("continuing_subword_prefix");
        prefix && prefix->is_string()) {
      tokenizer->continuation_prefix_ = std::string(prefix->as_string());
    }
    if (const auto* limit = fields.if_contains("max_input_chars_per_word");
        limit && limit->is_int64()) {
      tokenizer->max_input_chars_per_word_ = static_cast<size_t>(limit->as_int64());
    }
    if (const auto* normalizer = root.as_object().if_contains("normalizer");
        normalizer && normalizer->is_object()) {
      const auto& flags = normalizer->as_object();
      auto& options = tokenizer->normalizer_;
      read_flag(flags, "clean_text", options.clean_text);
      read_flag(flags, "handle_chinese_chars", options.handle_chinese_chars);
      read_flag(flags, "lowercase", options.lowercase);
      options.strip_accents = options.lowercase;  // BertNormalizer: null follows lowercase
      read_flag(flags, "strip_accents", options.strip_accents);
    }
    if (const auto* added = root.as_object().if_contains("added_tokens");
        added && added->is_array()) {
      for (const auto& entry : added->as_array()) {
        if (!entry.is_object()) continue;
        const auto* content = entry.as_object().if_contains("content");
        const auto* id = entry.as_object().if_contains("id");
        if (content && content->is_string() && id && id->is_int64() &&
            !content->as_string().empty()) {
          tokenizer->added_tokens_.emplace_back(std::string(content->as_string()),
                                                static_cast<int32_t>(id->as_int64()));
        }
      }
    }
  } else {
    std::ifstream vocab_file(dir / "vocab.txt");
    if (!vocab_file)
      return Error{ErrorKind::kNotFound, model_dir + " has neither tokenizer.json nor vocab.txt"};
    std::string line;
    int32_t id = 0;
    while (std::getline(vocab_file, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      tokenizer->vocab_.emplace(line, id++);
    }
    for (const char* special : {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}) {
      if (auto it = tokenizer->vocab_.find(special); it != tokenizer->vocab_.end()) {
        tokenizer->added_tokens_.emplace_back(special, it->second);
      }
    }
  }
  auto ready = tokenizer->finish_setup();
  if (!ready) {
    return Error{ready.error().kind, model_dir + ": " + ready.error().message};
  }
  return tokenizer;
}

Result<bool> WordpieceTokenizer::finish_setup() {
  unk_id_ = token_id(unk_token_);
  cls_id_ = token_id("[CLS]");
  sep_id_ = token_id("[SEP]");
  if (unk_id_ < 0 || cls_id_ < 0 || sep_id_ < 0) {
    return Error::corrupted("the vocabulary lacks [UNK], [CLS] or [SEP]");
  }
  if (max_length_ < 2) return Error::corrupted("max length must leave room for [CLS] and [SEP]");
  std::stable_sort(added_tokens_.begin(), added_tokens_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  return true;
}

int32_t WordpieceTokenizer::token_id(const std::string& token) const {
  auto it = vocab_.find(token);
  return it == vocab_.end() ? -1 : it->second;
}

void WordpieceTokenizer::append_word_pieces(const std::u32string& word,
                                            std::vector<int32_t>& ids) const {
  if (word.size() > max_input_chars_per_word_) {
    ids.push_back(unk_id_);
    return;
  }
  std::vector<int32_t> pieces;
  std::string candidate;
  size_t start = 0;
  while (start < word.size()) {
    int32_t found = -1;
    size_t end = word.size();
    for (; end > start; --end) {
      candidate.clear();
      if (start > 0) candidate = continuation_prefix_;
      for (size_t i = start; i < end; ++i) append_utf8(candidate, word[i]);
      auto it = vocab_.find(candidate);
      if (it != vocab_.end()) {
        found = it->second;
        break;
      }
    }
    if (found < 0) {
      ids.push_back(unk_id_);
      return;
    }
    pieces.push_back(found);
    start = end;
  }
  ids.insert(ids.end(), pieces.begin(), pieces.end());
}

void WordpieceTokenizer::append_normalized_text(std::string_view text,
                                                std::vector<int32_t>& ids) const {
  std::u32string normalized = bert_normalize(text, normalizer_);
  std::u32string word;
  for (char32_t c : normalized) {
    if (is_bert_whitespace(c)) {
      if (!word.empty()) append_word_pieces(word, ids);
      word.clear();
    } else if (is_bert_punctuation(c)) {
      if (!word.empty()) append_word_pieces(word, ids);
      word.assign(1, c);
      append_word_pieces(word, ids);
      word.clear();
    } else {
      word.push_back(c);
    }
  }
  if (!word.empty()) append_word_pieces(word, ids);
}

std::vector<int32_t> WordpieceTokenizer::encode(std::string_view text) const {
  return encode(text, max_length_, nullptr);
}

std::vector<int32_t> WordpieceTokenizer::encode(std::string_view text, int max_tokens,
                                                bool* truncated) const {
  std::vector<int32_t> ids;
  ids.push_back(cls_id_);
  // Added tokens written in the text are taken as they are, before any normalisation.
  size_t segment_start = 0;
  size_t position = 0;
  while (position < text.size()) {
    const std::pair<std::string, int32_t>* match = nullptr;
    for (const auto& added : added_tokens_) {
      if (text.compare(position, added.first.size(), added.first) == 0) {
        match = &added;
        break;
      }
    }
    if (!match) {
      ++position;
      continue;
    }
    append_normalized_text(text.substr(segment_start, position - segment_start), ids);
    ids.push_back(match->second);
    position += match->first.size();
    segment_start = position;
  }
  append_normalized_text(text.substr(segment_start), ids);

  size_t limit = static_cast<size_t>(std::clamp(max_tokens, 2, max_length_));
  bool was_cut = ids.size() + 1 > limit;
  if (was_cut) ids.resize(limit - 1);
  ids.push_back(sep_id_);
  if (truncated) *truncated = was_cut;
  return ids;
}

}  // namespace sextant::embed
