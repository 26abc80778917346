#include "api/handler_support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/parser.hpp>
#include <charconv>

namespace sextant::api {

int http_status(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kBadInput:
    case ErrorKind::kBadRequest:
    case ErrorKind::kFormat:
      return 400;
    case ErrorKind::kValidation:
      return 422;
    case ErrorKind::kNotFound:
      return 404;
    case ErrorKind::kAlreadyExists:
      return 409;
    case ErrorKind::kForbidden:
      return 403;
    case ErrorKind::kTimeout:
      return 408;
    case ErrorKind::kPayloadTooLarge:
      return 413;
    case ErrorKind::kInternal:
    case ErrorKind::kInsufficientStorage:  // Qdrant answers a full disk with 500
    case ErrorKind::kCorrupted:
      return 500;
    case ErrorKind::kUnavailable:
      return 503;
    case ErrorKind::kRateLimited:
      return 429;
  }
  return 500;
}

Response error_response_for(const Error& error, Clock::time_point started) {
  Response response = error_response(http_status(error.kind), error.message, started);
  // A rate-limit refusal that waiting cures ends "Retry after Ns" (Qdrant's text); Qdrant sends
  // the same whole seconds as the Retry-After header.
  static constexpr std::string_view kRetryAfter = "Retry after ";
  const std::string& text = error.message;
  if (const size_t at = text.rfind(kRetryAfter);
      error.kind == ErrorKind::kRateLimited && at != std::string::npos && text.back() == 's')
    response.headers.emplace_back(
        "retry-after",
        text.substr(at + kRetryAfter.size(), text.size() - 1 - at - kRetryAfter.size()));
  return response;
}

namespace {

// Describes a JSON syntax error the way serde_json words it (what Qdrant's users see), with the
// line and column where parsing stopped.
std::string describe_json_error(std::string_view body, boost::system::error_code ec,
                                const boost::json::parse_options& options) {
  boost::json::parser probe({}, options);
  boost::system::error_code probe_ec;
  size_t consumed = probe.write_some(body.data(), body.size(), probe_ec);
  if (!probe_ec) consumed = body.size();
  size_t line = 1, column = 0;
  std::string open;  // stack of unclosed '{' / '['
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < consumed && i < body.size(); ++i) {
    char c = body[i];
    if (c == '\n') {
      ++line;
      column = 0;
    } else {
      ++column;
    }
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      open.push_back(c);
    } else if ((c == '}' || c == ']') && !open.empty()) {
      open.pop_back();
    }
  }
  std::string what;
  if (ec == boost::json::error::too_deep) {
    what = "recursion limit exceeded";
  } else if (ec == boost::json::error::incomplete || consumed >= body.size()) {
    what = in_string            ? "EOF while parsing a string"
           : open.empty()       ? "EOF while parsing a value"
           : open.back() == '{' ? "EOF while parsing an object"
                                : "EOF while parsing a list";
  } else if (ec == boost::json::error::extra_data) {
    what = "trailing characters";
  } else {
    what = "expected value";
  }
  return what + " at line " + std::to_string(line) + " column " + std::to_string(column);
}

}  // namespace

Result<boost::json::value> parse_body(const Request& request, bool allow_empty) {
  std::string_view body = request.body;
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    if (allow_empty) return boost::json::value(nullptr);
    return Error::format("EOF while parsing a value at line 1 column 0");
  }
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec, {}, options);
  if (ec) return Error::format(describe_json_error(body, ec, options));
  return value;
}

Result<boost::json::object> parse_object_body(const Request& request, bool allow_empty) {
  auto value = parse_body(request, allow_empty);
  if (!value.ok()) return value.error();
  const std::string_view body = request.body;
  const size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return boost::json::object{};  // allow_empty
  // A literal `null` is not an empty body: Qdrant's request structs do not take it.
  if (value->is_null())
    return Error::format("invalid type: null, expected a JSON object at line 1 column " +
                         std::to_string(first + 4));
  if (!value->is_object())
    return Error::format("invalid type: expected a JSON object at line 1 column 1");
  return std::move(value->get_object());
}

Result<bool> wait_flag(const Request& request) {
  // Writes also take `ordering`; Sextant's single node applies every ordering alike, but an
  // unknown value is refused as Qdrant refuses it.
  if (auto ordering = request.query_param("ordering");
      ordering && *ordering != "weak" && *ordering != "medium" && *ordering != "strong")
    return Error{ErrorKind::kBadRequest,
                 "Deserialize error in query parameters: unknown variant `" +
                     std::string(*ordering) + "`, expected one of `weak`, `medium`, `strong`"};
  auto wait = request.query_param("wait");
  if (!wait || *wait == "false") return false;
  if (*wait == "true" || wait->empty()) return true;
  return Error{ErrorKind::kBadRequest,
               "Deserialize error in query parameters: provided string was not `true` or `false`"};
}

Result<std::optional<uint64_t>> uint_query(const Request& request, const char* name) {
  auto text = request.query_param(name);
  if (!text) return std::optional<uint64_t>();
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || ptr != text->data() + text->size())
    return Error{ErrorKind::kBadRequest,
                 "Deserialize error in query parameters: invalid digit found in string"};
  return std::optional<uint64_t>(value);
}

Response respond(const std::function<Result<boost::json::value>()>& body) {
  const auto started = Clock::now();
  auto result = body();
  if (!result.ok()) return error_response_for(result.error(), started);
  return ok_response(result.value(), started);
}

Status validate_collection_name_length(const std::string& name) {
  if (!name.empty() && name.size() <= 255) return {};
  std::string shown;  // the name as Qdrant's validator quotes it
  for (char c : name) {
    if (c == '"' || c == '\\') shown += '\\';
    shown += c;
  }
  return Error{ErrorKind::kValidation,
               "Validation error in path parameters: [collection_name: value \"" + shown +
                   "\" invalid, must be from 1 to 255 characters]"};
}

Status validate_collection_name_param(const std::string& name) {
  if (auto st = validate_collection_name_length(name); !st.ok()) return st;
  static const char kInvalid[] = {'<', '>', ':', '"', '/', '\\', '|', '?', '*', '\0', '\x1F'};
  for (char c : kInvalid) {
    if (name.find(c) == std::string::npos) continue;
    std::string shown = c == '\0' ? "\\0" : c == '\x1F' ? "\\u{1f}" : std::string(1, c);
    return Error{ErrorKind::kValidation,
                 "Validation error in path parameters: [collection_name: collection name cannot "
                 "contain \"" +
                     shown + "\" char]"};
  }
  return {};
}

}  // namespace sextant::api
