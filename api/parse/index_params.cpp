// Canonical payload index params; see index_params.hpp.
#include "api/parse/index_params.hpp"

#include <initializer_list>
#include <string_view>

namespace sextant::api {
namespace json = boost::json;
using index::payload_index::FieldType;

namespace {

// One member of an *IndexParams struct: its name, and whether it is written when unset (as null,
// or as `default_value` when that is not null).
struct Member {
  std::string_view name;
  bool written_when_unset = false;
  json::value default_value = nullptr;
};

std::initializer_list<Member> members_of(FieldType type) {
  static const std::initializer_list<Member> keyword = {
      {"is_tenant"}, {"on_disk"}, {"memory"}, {"enable_hnsw"}, {"prefix"}};
  static const std::initializer_list<Member> integer = {
      {"lookup", true}, {"range", true}, {"is_principal", true},
      {"on_disk"},      {"memory"},      {"enable_hnsw"}};
  static const std::initializer_list<Member> uuid = {
      {"is_tenant"}, {"on_disk"}, {"memory"}, {"enable_hnsw"}};
  static const std::initializer_list<Member> principal_only = {
      {"is_principal", true}, {"on_disk"}, {"memory"}, {"enable_hnsw"}};
  static const std::initializer_list<Member> placement_only = {
      {"on_disk"}, {"memory"}, {"enable_hnsw"}};
  static const std::initializer_list<Member> text = {{"tokenizer", true, "word"},
                                                     {"min_token_len"},
                                                     {"max_token_len"},
                                                     {"lowercase"},
                                                     {"ascii_folding"},
                                                     {"phrase_matching"},
                                                     {"stopwords"},
                                                     {"on_disk"},
                                                     {"memory"},
                                                     {"stemmer"},
                                                     {"enable_hnsw"}};
  switch (type) {
    case FieldType::kKeyword:
      return keyword;
    case FieldType::kInteger:
      return integer;
    case FieldType::kUuid:
      return uuid;
    case FieldType::kFloat:
    case FieldType::kDatetime:
      return principal_only;
    case FieldType::kText:
      return text;
    case FieldType::kGeo:
    case FieldType::kBool:
      return placement_only;
  }
  return placement_only;
}

}  // namespace

json::object canonical_index_params(FieldType type, const json::object& given) {
  json::object params;
  params["type"] = index::payload_index::field_type_name(type);
  for (const Member& member : members_of(type)) {
    const json::value* value = given.if_contains(member.name);
    if (value != nullptr && !value->is_null()) {
      params[member.name] = *value;
    } else if (member.written_when_unset) {
      params[member.name] = member.default_value;
    }
  }
  return params;
}

}  // namespace sextant::api
