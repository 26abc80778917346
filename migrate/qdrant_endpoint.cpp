// QdrantEndpoint: the envelope and error handling of Qdrant's REST answers.
#include "migrate/qdrant_endpoint.hpp"

namespace sextant::migrate {

namespace json = boost::json;

Result<std::unique_ptr<QdrantEndpoint>> QdrantEndpoint::open(const EndpointOptions& options) {
  if (options.local) {
    auto transport = options.local->connect();
    if (!transport) return local_error("cannot connect to " + options.url);
    return std::unique_ptr<QdrantEndpoint>(new QdrantEndpoint(std::move(transport)));
  }
  auto client = HttpClient::open(options);
  if (!client.ok()) return client.error();
  return std::unique_ptr<QdrantEndpoint>(new QdrantEndpoint(std::move(*client)));
}

Result<json::value> QdrantEndpoint::call(const std::string& method, const std::string& target,
                                         const std::string& body) {
  auto response = client_->request(method, target, body);
  if (!response.ok()) return response.error();
  json::value parsed;
  boost::system::error_code ec;
  parsed = json::parse(response->body, ec);
  if (response->status / 100 != 2) {
    std::string detail = response->body.substr(0, 500);
    if (!ec && parsed.is_object()) {
      const json::object& object = parsed.as_object();
      if (auto* status = object.if_contains("status");
          status && status->is_object() && status->as_object().contains("error")) {
        const json::value& text = status->as_object().at("error");
        detail = text.is_string() ? std::string(text.as_string()) : json::serialize(text);
      }
    }
    ErrorKind kind = response->status == 404   ? ErrorKind::kNotFound
                     : response->status >= 500 ? ErrorKind::kUnavailable
                                               : ErrorKind::kBadRequest;
    return Error{kind, url() + ": " + method + " " + target + " answered " +
                           std::to_string(response->status) + ": " + detail};
  }
  if (ec || !parsed.is_object() || !parsed.as_object().contains("result")) {
    return Error::corrupted(url() + ": " + method + " " + target +
                            " answered without a JSON envelope");
  }
  return std::move(parsed.as_object().at("result"));
}

Result<json::value> QdrantEndpoint::get(const std::string& target) {
  return call("GET", target, {});
}
Result<json::value> QdrantEndpoint::put(const std::string& target, const json::value& body) {
  return call("PUT", target, json::serialize(body));
}
Result<json::value> QdrantEndpoint::post(const std::string& target, const json::value& body) {
  return call("POST", target, json::serialize(body));
}

Result<bool> QdrantEndpoint::collection_exists(const std::string& name) {
  auto answer = get("/collections/" + path_segment(name));
  if (answer.ok()) return true;
  if (answer.error().kind == ErrorKind::kNotFound) return false;
  return answer.error();
}

std::string path_segment(const std::string& name) {
  static const char* kHex = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : name) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  return encoded;
}

}  // namespace sextant::migrate
