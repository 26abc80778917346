// The hot-route reader of search bodies: a points/query body whose `query` is a plain dense
// vector (an array of numbers) is read with simdjson's on-demand parser, the numbers straight
// into a float array with no DOM built for them, and only the other (small) fields are parsed
// into a boost::json object for the ordinary request parser.
//
// Contract: split_plain_vector_body() answers only for bodies it reads exactly as the DOM path
// would (an object with unique keys, the vector a non-empty array of JSON numbers, each a finite
// f32 once rounded, every other field valid JSON within kMaxJsonDepth); for any other body it
// answers nullopt and the caller parses the whole body the ordinary way, which also writes the
// error texts. So this reader never decides what a request means or how it is refused.
//
// The padded copy simdjson needs is a per-thread buffer reused from request to request.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string_view>
#include <vector>

namespace sextant::api {

struct PlainVectorBody {
  std::vector<float> vector;   // the value of `vector_key`
  boost::json::object fields;  // every other field of the body, as the DOM parser reads them
};

std::optional<PlainVectorBody> split_plain_vector_body(std::string_view body,
                                                       std::string_view vector_key);

}  // namespace sextant::api
