// Full-text index (see text_index.hpp).
#include "index/payload_index/text_index.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "index/payload_index/text_tokenizer.hpp"

namespace sextant::index::payload_index {
namespace {

namespace json = boost::json;
using filter::FieldCondition;
using filter::Match;

bool is_text_match(const FieldCondition& c) {
  if (!c.match || c.range || c.geo_bounding_box || c.geo_radius || c.geo_polygon ||
      c.values_count || c.is_empty || c.is_null)
    return false;
  Match::Kind kind = c.match->kind;
  return kind == Match::Kind::kText || kind == Match::Kind::kTextAny ||
         kind == Match::Kind::kPhrase;
}

bool contains_sequence(const std::vector<std::string>& document,
                       const std::vector<std::string>& phrase) {
  if (phrase.empty()) return true;
  return std::search(document.begin(), document.end(), phrase.begin(), phrase.end()) !=
         document.end();
}

class TextIndex final : public FieldIndex {
 public:
  explicit TextIndex(const TextOptions& options) : tokenizer_(options) {}

  void add(uint32_t offset, const std::vector<const json::value*>& values) override {
    remove(offset);
    std::vector<std::string> tokens;
    bool any_text = false;
    for (const json::value* value : values) {
      if (!value->is_string()) continue;
      any_text = true;
      auto document = tokenizer_.document_tokens(value->get_string());
      tokens.insert(tokens.end(), document.begin(), document.end());
    }
    if (!any_text) return;
    std::sort(tokens.begin(), tokens.end());
    tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
    for (const std::string& token : tokens) {
      auto& posting = postings_[token];
      posting.insert(std::lower_bound(posting.begin(), posting.end(), offset), offset);
    }
    tokens_by_point_[offset] = std::move(tokens);
  }

  void remove(uint32_t offset) override {
    auto it = tokens_by_point_.find(offset);
    if (it == tokens_by_point_.end()) return;
    for (const std::string& token : it->second) {
      auto posting = postings_.find(token);
      if (posting == postings_.end()) continue;
      auto& offsets = posting->second;
      auto at = std::lower_bound(offsets.begin(), offsets.end(), offset);
      if (at != offsets.end() && *at == offset) offsets.erase(at);
      if (offsets.empty()) postings_.erase(posting);
    }
    tokens_by_point_.erase(it);
  }

  uint64_t points_count() const override { return tokens_by_point_.size(); }

  std::optional<Candidates> candidates(const FieldCondition& c) const override {
    if (!is_text_match(c)) return std::nullopt;
    std::vector<std::string> query = tokenizer_.query_tokens(c.match->text);
    Candidates result;
    result.exact = false;
    if (c.match->kind == Match::Kind::kTextAny) {
      for (const std::string& token : query) {
        auto it = postings_.find(token);
        if (it == postings_.end()) continue;
        result.offsets.insert(result.offsets.end(), it->second.begin(), it->second.end());
      }
      std::sort(result.offsets.begin(), result.offsets.end());
      result.offsets.erase(std::unique(result.offsets.begin(), result.offsets.end()),
                           result.offsets.end());
      return result;
    }
    if (query.empty()) {
      for (const auto& [offset, tokens] : tokens_by_point_) result.offsets.push_back(offset);
      std::sort(result.offsets.begin(), result.offsets.end());
      return result;
    }
    bool first = true;
    for (const std::string& token : query) {
      auto it = postings_.find(token);
      if (it == postings_.end()) return Candidates{{}, true};
      if (first) {
        result.offsets = it->second;
        first = false;
      } else {
        std::vector<uint32_t> both;
        std::set_intersection(result.offsets.begin(), result.offsets.end(), it->second.begin(),
                              it->second.end(), std::back_inserter(both));
        result.offsets = std::move(both);
      }
    }
    return result;
  }

  std::optional<Cardinality> estimate(const FieldCondition& c) const override {
    auto selected = candidates(c);
    if (!selected) return std::nullopt;
    uint64_t n = selected->offsets.size();
    if (selected->exact) return Cardinality::exact(n);
    return Cardinality{0, n, n};
  }

  std::optional<bool> special_check(const FieldCondition& c,
                                    const json::value& value) const override {
    if (!is_text_match(c)) return std::nullopt;
    std::vector<std::string> query = tokenizer_.query_tokens(c.match->text);
    auto check_one = [&](std::string_view text) {
      if (c.match->kind == Match::Kind::kPhrase) {
        return contains_sequence(tokenizer_.query_tokens(text), query);
      }
      std::vector<std::string> document = tokenizer_.document_tokens(text);
      std::unordered_set<std::string_view> present(document.begin(), document.end());
      if (c.match->kind == Match::Kind::kTextAny) {
        return std::any_of(query.begin(), query.end(),
                           [&](const std::string& t) { return present.count(t) != 0; });
      }
      return std::all_of(query.begin(), query.end(),
                         [&](const std::string& t) { return present.count(t) != 0; });
    };
    if (value.is_string()) return check_one(value.get_string());
    if (const json::array* array = value.if_array()) {
      for (const json::value& element : *array) {
        if (element.is_string() && check_one(element.get_string())) return true;
      }
    }
    return false;
  }

 private:
  TextTokenizer tokenizer_;
  std::map<std::string, std::vector<uint32_t>> postings_;
  std::unordered_map<uint32_t, std::vector<std::string>> tokens_by_point_;
};

}  // namespace

std::unique_ptr<FieldIndex> make_text_index(const TextOptions& options) {
  return std::make_unique<TextIndex>(options);
}

}  // namespace sextant::index::payload_index
