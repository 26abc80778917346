// Universal queries (query, its batch and groups forms) -> REST calls.
#include <boost/json/serialize.hpp>

#include "grpc/points/query_to_json.hpp"
#include "grpc/points/requests_to_call.hpp"
#include "grpc/points/selectors_to_json.hpp"
#include "grpc/points/value_json.hpp"

namespace sextant::grpc_wire::points {
namespace json = boost::json;

namespace {

template <class Request>
EngineCall read_call(const Request& request, const std::string& suffix, const json::object& body) {
  EngineCall call{api::HttpMethod::kPost,
                  collection_path(request.collection_name(), suffix),
                  {},
                  json::serialize(body)};
  read_params_into(
      request.has_read_consistency() ? &request.read_consistency() : nullptr,
      request.has_timeout() ? std::optional<std::uint64_t>(request.timeout()) : std::nullopt,
      call.query);
  return call;
}

json::object query_points_body(const qdrant::QueryPoints& request) {
  json::object body;
  query_fields_into(request, body);
  if (request.has_limit()) body["limit"] = request.limit();
  if (request.has_offset()) body["offset"] = request.offset();
  return body;
}

}  // namespace

EngineCall to_call(const qdrant::QueryPoints& request) {
  return read_call(request, "/points/query", query_points_body(request));
}

EngineCall to_call(const qdrant::QueryBatchPoints& request) {
  json::array searches;
  for (const auto& query : request.query_points()) searches.push_back(query_points_body(query));
  return read_call(request, "/points/query/batch", json::object{{"searches", std::move(searches)}});
}

EngineCall to_call(const qdrant::QueryPointGroups& request) {
  json::object body{{"group_by", request.group_by()}};
  query_fields_into(request, body);
  if (request.has_limit()) body["limit"] = request.limit();
  if (request.has_group_size()) body["group_size"] = request.group_size();
  if (request.has_with_lookup()) body["with_lookup"] = with_lookup_to_json(request.with_lookup());
  return read_call(request, "/points/query/groups", body);
}

}  // namespace sextant::grpc_wire::points
