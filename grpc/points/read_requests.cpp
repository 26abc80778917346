// Point reads (get, scroll, count, facet, distance matrix) -> REST calls.
#include <boost/json/serialize.hpp>

#include "grpc/points/filter_to_json.hpp"
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

template <class Request>
void shard_key_into(const Request& request, json::object& body) {
  if (request.has_shard_key_selector())
    body["shard_key"] = shard_key_selector_to_json(request.shard_key_selector());
}

}  // namespace

EngineCall to_call(const qdrant::GetPoints& request) {
  json::object body{{"ids", point_ids_to_json(request.ids())}};
  if (request.has_with_payload())
    body["with_payload"] = with_payload_to_json(request.with_payload());
  if (request.has_with_vectors())
    body["with_vector"] = with_vectors_to_json(request.with_vectors());
  shard_key_into(request, body);
  return read_call(request, "/points", body);
}

EngineCall to_call(const qdrant::ScrollPoints& request) {
  json::object body;
  if (request.has_filter()) body["filter"] = filter_to_json(request.filter());
  if (request.has_offset()) body["offset"] = point_id_to_json(request.offset());
  if (request.has_limit()) body["limit"] = request.limit();
  if (request.has_with_payload())
    body["with_payload"] = with_payload_to_json(request.with_payload());
  if (request.has_with_vectors())
    body["with_vector"] = with_vectors_to_json(request.with_vectors());
  if (request.has_order_by()) body["order_by"] = order_by_to_json(request.order_by());
  shard_key_into(request, body);
  return read_call(request, "/points/scroll", body);
}

EngineCall to_call(const qdrant::CountPoints& request) {
  json::object body;
  if (request.has_filter()) body["filter"] = filter_to_json(request.filter());
  if (request.has_exact()) body["exact"] = request.exact();
  shard_key_into(request, body);
  return read_call(request, "/points/count", body);
}

EngineCall to_call(const qdrant::FacetCounts& request) {
  json::object body{{"key", request.key()}};
  if (request.has_filter()) body["filter"] = filter_to_json(request.filter());
  if (request.has_limit()) body["limit"] = request.limit();
  if (request.has_exact()) body["exact"] = request.exact();
  shard_key_into(request, body);
  return read_call(request, "/facet", body);
}

EngineCall matrix_call(const qdrant::SearchMatrixPoints& request, bool offsets) {
  json::object body;
  if (request.has_filter()) body["filter"] = filter_to_json(request.filter());
  if (request.has_sample()) body["sample"] = request.sample();
  if (request.has_limit()) body["limit"] = request.limit();
  if (request.has_using_()) body["using"] = request.using_();
  shard_key_into(request, body);
  return read_call(request,
                   offsets ? "/points/search/matrix/offsets" : "/points/search/matrix/pairs", body);
}

}  // namespace sextant::grpc_wire::points
