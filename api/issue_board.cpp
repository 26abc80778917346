// The issues report.
#include "api/issue_board.hpp"

#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace sextant::api {
namespace json = boost::json;
namespace {

constexpr std::string_view kIndexingDocs =
    "https://qdrant.tech/documentation/concepts/indexing/#payload-index";

// RFC 3339 UTC with nanoseconds, as Qdrant's issue timestamps.
std::string timestamp_now() {
  const auto now = std::chrono::system_clock::now();
  const auto seconds = std::chrono::system_clock::to_time_t(now);
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch() %
                                                                          std::chrono::seconds(1))
                         .count();
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<long long>(nanos));
  return text;
}

// The collection name as a URI path segment.
std::string percent_encode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof(escaped), "%%%02X", c);
      out += escaped;
    }
  }
  return out;
}

json::object immediate_solution(const std::string& collection, const std::string& field,
                                const json::value& schema) {
  json::object action;
  action["method"] = "PUT";
  action["uri"] = "/collections/" + percent_encode(collection) + "/index";
  action["headers"] = json::object{{"content-type", "application/json"}};
  action["body"] = json::object{{"field_name", field}, {"field_schema", schema}};
  json::object solution;
  solution["message"] =
      "Create an index on field '" + field + "' of schema " + json::serialize(schema) +
      " in collection '" + collection +
      "'. Check the documentation for more details: " + std::string(kIndexingDocs);
  solution["action"] = std::move(action);
  return solution;
}

std::string unindexed_id(const std::string& collection, const std::string& field) {
  return "UNINDEXED_FIELD/" + collection + "/" + field;
}

}  // namespace

void IssueBoard::submit_unindexed_field(const std::string& collection,
                                        const query::UnindexedField& field) {
  if (field.schemas.empty()) return;
  const std::string id = unindexed_id(collection, field.key);
  json::object solution;
  if (field.schemas.size() == 1) {
    solution["immediate"] = immediate_solution(collection, field.key, field.schemas.front());
  } else {
    json::array choices;
    for (const auto& schema : field.schemas) {
      choices.push_back(immediate_solution(collection, field.key, schema));
    }
    solution["immediate_choice"] = std::move(choices);
  }
  json::object record;
  record["id"] = id;
  record["description"] = "Unindexed field '" + field.key +
                          "' might be slowing queries down in collection '" + collection + "'";
  record["solution"] = std::move(solution);
  record["timestamp"] = timestamp_now();
  record["related_collection"] = collection;

  std::lock_guard lock(mutex_);
  for (const auto& existing : records_) {
    if (existing.at("id").as_string() == id) return;
  }
  records_.push_back(std::move(record));
}

void IssueBoard::solve_unindexed_field(const std::string& collection,
                                       const std::string& field_name) {
  const std::string id = unindexed_id(collection, field_name);
  std::lock_guard lock(mutex_);
  std::erase_if(records_,
                [&](const json::object& record) { return record.at("id").as_string() == id; });
}

void IssueBoard::solve_collection(const std::string& collection) {
  const std::string prefix = "UNINDEXED_FIELD/" + collection + "/";
  std::lock_guard lock(mutex_);
  std::erase_if(records_, [&](const json::object& record) {
    return std::string_view(record.at("id").as_string()).starts_with(prefix);
  });
}

void IssueBoard::clear() {
  std::lock_guard lock(mutex_);
  records_.clear();
}

json::array IssueBoard::issues() const {
  std::lock_guard lock(mutex_);
  return json::array(records_.begin(), records_.end());
}

json::array IssueBoard::issues_of(const std::vector<std::string>& collections) const {
  std::lock_guard lock(mutex_);
  json::array out;
  for (const auto& record : records_) {
    const json::value& related = record.at("related_collection");
    for (const auto& collection : collections) {
      if (related.is_string() && related.as_string() == collection) {
        out.push_back(record);
        break;
      }
    }
  }
  return out;
}

}  // namespace sextant::api
