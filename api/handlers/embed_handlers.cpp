// Request parsing and response shapes for the embedding routes. Errors use the shape of the API
// being imitated: text-embeddings-inference's {"error", "error_type"} on /embed, OpenAI's
// {"error": {"message", "type", "param", "code"}} on /v1/embeddings.
#include "api/handlers/embed_handlers.hpp"

#include <boost/json.hpp>
#include <cstring>
#include <functional>
#include <variant>

#include "api/parse/json_numbers.hpp"
#include "api/write/json_text.hpp"
#include "embed/model_locator.hpp"

namespace sextant::api {
namespace json = boost::json;
namespace {

constexpr size_t kMaxInputs = 4096;

Response json_response(int status, const json::value& body) {
  Response response;
  response.status = status;
  response.body = to_json_text(body);
  return response;
}

Response tei_error(int status, const std::string& message, const char* type = "Validation") {
  return json_response(status, json::object{{"error", message}, {"error_type", type}});
}

Response openai_error(int status, const std::string& message, const char* param, const char* code) {
  json::object error{{"message", message}, {"type", "invalid_request_error"}};
  error["param"] = param ? json::value(param) : json::value(nullptr);
  error["code"] = code ? json::value(code) : json::value(nullptr);
  return json_response(status, json::object{{"error", std::move(error)}});
}

json::array to_json(const std::vector<float>& vector) {
  json::array values;
  values.reserve(vector.size());
  for (float value : vector) values.emplace_back(float_json_value(value));
  return values;
}

std::string base64_floats(const std::vector<float>& vector) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes(vector.size() * sizeof(float), '\0');
  std::memcpy(bytes.data(), vector.data(), bytes.size());  // little-endian float32, as OpenAI
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t chunk = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) chunk |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) chunk |= static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[(chunk >> 18) & 63];
    out += kAlphabet[(chunk >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(chunk >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[chunk & 63] : '=';
  }
  return out;
}

// A string or an array of strings; "" when the value is neither (error text in *error).
bool read_texts(const json::value& value, std::vector<std::string>& texts, std::string* error,
                const char* field) {
  if (value.is_string()) {
    texts.emplace_back(value.as_string());
    return true;
  }
  if (value.is_array()) {
    for (const auto& item : value.as_array()) {
      if (!item.is_string()) {
        *error = std::string("`") + field + "` must be a string or an array of strings";
        return false;
      }
      texts.emplace_back(item.as_string());
    }
    return true;
  }
  *error = std::string("`") + field + "` must be a string or an array of strings";
  return false;
}

// Resolves a requested model name: exact, or the part after the organisation ("all-MiniLM-L6-v2"
// for "sentence-transformers/all-MiniLM-L6-v2"). Empty request: the default model.
std::string resolve_model(const embed::EmbedService& service, const std::string& requested) {
  if (requested.empty()) return service.default_model_name();
  if (service.has_model(requested)) return requested;
  for (const auto& name : service.model_names()) {
    auto slash = name.rfind('/');
    if (slash != std::string::npos && name.compare(slash + 1, std::string::npos, requested) == 0) {
      return name;
    }
  }
  return "";
}

std::string available_models_text(const embed::EmbedService& service) {
  std::string known;
  for (const auto& name : service.model_names()) known += (known.empty() ? "" : ", ") + name;
  return known.empty() ? "none" : known;
}

int status_for(const Error& error) { return error.kind == ErrorKind::kUnavailable ? 503 : 413; }

// A parsed embedding request: the texts to encode and how to write the answer from the
// encoder's result. `answer` owns everything it needs (the request body is gone by then).
struct EmbedCall {
  std::string model;
  std::vector<std::string> texts;
  embed::EmbedOptions options;
  std::function<Response(const Result<embed::EmbeddingBatch>&)> answer;
};
// Either the answer already (a malformed request) or the call to make.
using ParsedEmbed = std::variant<Response, EmbedCall>;

ParsedEmbed parse_embed(const embed::EmbedService& service, const Request& request) {
  json::error_code parse_error;
  json::value body = json::parse(request.body, parse_error);
  if (parse_error || !body.is_object()) {
    return tei_error(422, "Failed to parse the request body as JSON object");
  }
  const json::object& fields = body.as_object();
  std::string requested;
  if (const auto* model = fields.if_contains("model"); model && model->is_string()) {
    requested = std::string(model->as_string());
  }
  std::string model = resolve_model(service, requested);
  if (model.empty()) {
    return tei_error(400,
                     "Model " + (requested.empty() ? std::string("(default)") : requested) +
                         " is not available. Available models: " + available_models_text(service));
  }

  enum class Shape { kSingle, kList, kTei } shape;
  std::vector<std::string> texts;
  std::string error;
  embed::EmbedOptions options;
  if (const auto* text = fields.if_contains("text")) {
    if (!text->is_string()) return tei_error(422, "`text` must be a string");
    texts.emplace_back(text->as_string());
    shape = Shape::kSingle;
  } else if (const auto* list = fields.if_contains("texts")) {
    if (!list->is_array() || !read_texts(*list, texts, &error, "texts")) {
      return tei_error(422, "`texts` must be an array of strings");
    }
    shape = Shape::kList;
  } else if (const auto* inputs = fields.if_contains("inputs")) {
    if (!read_texts(*inputs, texts, &error, "inputs")) return tei_error(422, error);
    if (const auto* normalize = fields.if_contains("normalize");
        normalize && normalize->is_bool()) {
      options.normalize = normalize->as_bool();
    }
    // text-embeddings-inference rejects over-long inputs unless truncate is true.
    options.truncate = false;
    if (const auto* truncate = fields.if_contains("truncate"); truncate && truncate->is_bool()) {
      options.truncate = truncate->as_bool();
    }
    shape = Shape::kTei;
  } else {
    return tei_error(422, "the body needs `text`, `texts` or `inputs`");
  }
  if (texts.empty()) return tei_error(422, "`inputs` cannot be empty");
  if (texts.size() > kMaxInputs) {
    return tei_error(413, "batch size " + std::to_string(texts.size()) +
                              " > maximum allowed batch size " + std::to_string(kMaxInputs));
  }

  auto answer = [shape, model](const Result<embed::EmbeddingBatch>& result) {
    if (!result) return tei_error(status_for(result.error()), result.error().message);
    if (shape == Shape::kTei) {
      json::array rows;
      for (const auto& vector : result->embeddings) rows.emplace_back(to_json(vector));
      return json_response(200, rows);
    }
    json::object response;
    if (shape == Shape::kSingle) {
      response["embedding"] = to_json(result->embeddings.front());
    } else {
      json::array rows;
      for (const auto& vector : result->embeddings) rows.emplace_back(to_json(vector));
      response["embeddings"] = std::move(rows);
    }
    response["model"] = model;
    response["dim"] = result->dimension;
    return json_response(200, response);
  };
  return EmbedCall{model, std::move(texts), options, std::move(answer)};
}

ParsedEmbed parse_openai(const embed::EmbedService& service, const Request& request) {
  json::error_code parse_error;
  json::value body = json::parse(request.body, parse_error);
  if (parse_error || !body.is_object()) {
    return openai_error(400, "We could not parse the JSON body of your request.", nullptr, nullptr);
  }
  const json::object& fields = body.as_object();
  const json::value* input = fields.if_contains("input");
  const char* field = "input";
  if (!input) {
    input = fields.if_contains("inputs");
    field = "inputs";
  }
  if (!input) return openai_error(400, "'input' is a required property", "input", nullptr);
  std::vector<std::string> texts;
  std::string error;
  if (!read_texts(*input, texts, &error, field)) return openai_error(400, error, field, nullptr);
  if (texts.empty()) return openai_error(400, "'input' cannot be empty", field, nullptr);
  if (texts.size() > kMaxInputs) {
    return openai_error(400, "too many inputs: at most " + std::to_string(kMaxInputs), field,
                        nullptr);
  }
  std::string requested;
  if (const auto* model = fields.if_contains("model"); model && model->is_string()) {
    requested = std::string(model->as_string());
  }
  std::string model = resolve_model(service, requested);
  if (model.empty()) {
    return openai_error(404,
                        "The model `" + requested +
                            "` does not exist. Available models: " + available_models_text(service),
                        "model", "model_not_found");
  }
  bool base64 = false;
  if (const auto* format = fields.if_contains("encoding_format"); format && format->is_string()) {
    if (format->as_string() == "base64") {
      base64 = true;
    } else if (format->as_string() != "float") {
      return openai_error(400, "encoding_format must be 'float' or 'base64'", "encoding_format",
                          nullptr);
    }
  }
  auto answer = [field, base64, answered_model = requested.empty() ? model : requested](
                    const Result<embed::EmbeddingBatch>& result) {
    if (!result) {
      return openai_error(result.error().kind == ErrorKind::kUnavailable ? 503 : 400,
                          result.error().message, field, nullptr);
    }
    json::array data;
    for (size_t i = 0; i < result->embeddings.size(); ++i) {
      json::object item{{"object", "embedding"}, {"index", i}};
      if (base64) {
        item["embedding"] = base64_floats(result->embeddings[i]);
      } else {
        item["embedding"] = to_json(result->embeddings[i]);
      }
      data.emplace_back(std::move(item));
    }
    json::object response{{"object", "list"}, {"data", std::move(data)}, {"model", answered_model}};
    response["usage"] =
        json::object{{"prompt_tokens", result->token_count}, {"total_tokens", result->token_count}};
    return json_response(200, response);
  };
  return EmbedCall{model, std::move(texts), {}, std::move(answer)};
}

using Parser = ParsedEmbed (*)(const embed::EmbedService&, const Request&);

// The synchronous form (a caller that needs the answer in place).
Response run_embed(embed::EmbedService& service, const Request& request, Parser parse) {
  ParsedEmbed parsed = parse(service, request);
  if (auto* early = std::get_if<Response>(&parsed)) return std::move(*early);
  EmbedCall& call = std::get<EmbedCall>(parsed);
  return call.answer(service.embed(call.model, call.texts, call.options));
}

// The HTTP form: parses here, answers from the encoder thread that finishes the texts.
void start_embed(embed::EmbedService& service, const Request& request, Reply reply, Parser parse) {
  ParsedEmbed parsed = parse(service, request);
  if (auto* early = std::get_if<Response>(&parsed)) return reply(std::move(*early));
  EmbedCall& call = std::get<EmbedCall>(parsed);
  service.embed_async(call.model, call.texts, call.options,
                      [answer = std::move(call.answer), reply = std::move(reply)](
                          Result<embed::EmbeddingBatch> result) { reply(answer(result)); });
}

Route embed_route(embed::EmbedService& service, const char* path, Parser parse) {
  embed::EmbedService* target = &service;
  Route route{HttpMethod::kPost, path,
              [target, parse](Request& request) { return run_embed(*target, request, parse); }};
  route.async_handler = [target, parse](Request& request, Reply reply) {
    start_embed(*target, request, std::move(reply), parse);
  };
  return route;
}

}  // namespace

void register_embed_routes(Router& router, embed::EmbedService& service) {
  router.add(embed_route(service, "/embed", parse_embed));
  router.add(embed_route(service, "/v1/embeddings", parse_openai));
}

void register_embed_sidecar_routes(Router& router, embed::EmbedService& service) {
  register_embed_routes(router, service);
  router.add({HttpMethod::kGet, "/health", [](Request&) { return json_response(200, nullptr); },
              false, true, Execution::kInline});
  embed::EmbedService* target = &service;
  router.add({HttpMethod::kGet, "/info",
              [target](Request&) {
                std::string model = target->default_model_name();
                auto config = target->model_config(model);
                json::object info{
                    {"model_id", model},
                    {"model_type", json::object{{"embedding", json::object{{"pooling", "mean"}}}}},
                    {"max_input_length", config ? config->max_seq_length : 0},
                    {"max_client_batch_size", kMaxInputs},
                    {"version", SEXTANT_VERSION}};
                return json_response(200, info);
              },
              false, false, Execution::kInline});
}

std::string load_embedding_models(embed::EmbedService& service,
                                  const std::map<std::string, std::string>& models,
                                  const std::vector<std::string>& hub_cache_roots,
                                  bool skip_missing, std::vector<std::string>* skipped,
                                  embed::Precision precision) {
  for (const auto& [name, location] : models) {
    auto directory = embed::locate_model_directory(location, hub_cache_roots);
    if (!directory) {
      // The repository id itself may be cached even when the configured directory is absent.
      directory = embed::locate_model_directory(name, hub_cache_roots);
    }
    if (!directory) {
      if (skip_missing) {
        if (skipped) skipped->push_back(name);
        continue;
      }
      return "embedding model " + name + ": " + directory.error().message;
    }
    auto loaded = service.load_model(name, *directory, precision);
    if (!loaded) return loaded.error().message;
  }
  return "";
}

std::string parse_embed_sidecar_args(const std::vector<std::string>& args,
                                     EmbedSidecarOptions* options) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    if (auto equals = flag.find('='); flag.rfind("--", 0) == 0 && equals != std::string::npos) {
      value = flag.substr(equals + 1);
      flag = flag.substr(0, equals);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return "missing value for " + flag;
    }
    try {
      if (flag == "--host") {
        options->host = value;
      } else if (flag == "--port") {
        int port = std::stoi(value);
        if (port < 0 || port > 65535) return "invalid --port " + value;
        options->port = static_cast<uint16_t>(port);
      } else if (flag == "--precision") {
        if (value != "float32" && value != "int8") {
          return "--precision expects float32 or int8, got " + value;
        }
        options->int8 = value == "int8";
      } else if (flag == "--workers") {
        options->worker_threads = std::stoi(value);
      } else if (flag == "--model") {
        auto equals = value.find('=');
        if (equals == std::string::npos || equals == 0 || equals + 1 == value.size()) {
          return "--model expects NAME=DIR, got " + value;
        }
        options->models[value.substr(0, equals)] = value.substr(equals + 1);
      } else {
        return "unknown argument " + flag;
      }
    } catch (const std::exception&) {
      return "invalid number for " + flag + ": " + value;
    }
  }
  return "";
}

}  // namespace sextant::api
