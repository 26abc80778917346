// Errors as values at module boundaries, for every layer of Sextant. An Error carries the full
// user-facing message (e.g. Qdrant's "Not found: Collection `c` doesn't exist!", or an embedding
// model's "model directory m has no config.json") and a kind; api/ is the one place that maps kinds
// to HTTP status codes. Result<T> is a value or an Error, never both; Status is Result<void>.
//
// Invariants:
//   - `message` is complete text, ready to be shown as is. The named constructors add Qdrant's
//     prefixes (but corrupted() and unavailable(): Qdrant has none for them); embed/ and index/
//     give plain messages naming the file, model or option at fault, which their callers show
//     as is or wrap in a named constructor.
//   - Both Result and Status are [[nodiscard]]: a failure cannot be dropped silently.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace sextant {

enum class ErrorKind {
  kBadInput,             // 400 "Wrong input: ..."
  kBadRequest,           // 400 "Bad request: ..."
  kFormat,               // 400 "Format error in JSON body: ..."
  kValidation,           // 422 "Validation error in JSON body: ..."
  kNotFound,             // 404 "Not found: ..." (also: a model directory or file is missing)
  kAlreadyExists,        // 409 "Wrong input: ..."
  kForbidden,            // 403 "Forbidden: ..."
  kTimeout,              // 408 "Timeout: ..."
  kPayloadTooLarge,      // 413
  kInsufficientStorage,  // 500 "Service internal error: No space left on device: ..." (Qdrant's)
  kInternal,             // 500 "Service internal error: ..."
  kCorrupted,            // 500: stored bytes or a model file exist but cannot be read as such
  kUnavailable,          // 503: the service is shutting down
  kRateLimited,          // 429 "Rate limiting exceeded: ..." (strict mode's rate limits)
};

struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string message;  // complete text shown to the user

  static Error bad_input(const std::string& d) {
    return {ErrorKind::kBadInput, "Wrong input: " + d};
  }
  static Error bad_request(const std::string& d) {
    return {ErrorKind::kBadRequest, "Bad request: " + d};
  }
  static Error not_found(const std::string& d) { return {ErrorKind::kNotFound, "Not found: " + d}; }
  static Error already_exists(const std::string& d) {
    return {ErrorKind::kAlreadyExists, "Wrong input: " + d};
  }
  static Error internal(const std::string& d) {
    return {ErrorKind::kInternal, "Service internal error: " + d};
  }
  static Error validation(const std::string& d) {
    return {ErrorKind::kValidation, "Validation error in JSON body: " + d};
  }
  static Error format(const std::string& d) {
    return {ErrorKind::kFormat, "Format error in JSON body: " + d};
  }
  // A write refused or failed because the filesystem (or an LMDB map) is full. Qdrant answers
  // this as a service error (500) worded "No space left on device: ...".
  static Error no_space(const std::string& d) {
    return {ErrorKind::kInsufficientStorage,
            "Service internal error: No space left on device: " + d};
  }
  static Error collection_not_found(const std::string& name) {
    return not_found("Collection `" + name + "` doesn't exist!");
  }
  // The errors many layers raise, written once with Qdrant's texts.
  static Error vector_name_not_found(const std::string& vector_name) {
    return bad_input("Not existing vector name error: " + vector_name);
  }
  // `detail` follows the sizes as Qdrant words it, e.g. " for vector 'image'".
  static Error vector_dimension(size_t expected, size_t got, const std::string& detail = {}) {
    return bad_input("Vector dimension error: expected dim: " + std::to_string(expected) +
                     ", got " + std::to_string(got) + detail);
  }
  // `point_id` as the user wrote it: a number or a hyphenated UUID.
  static Error point_not_found(const std::string& point_id) {
    return not_found("No point with id " + point_id + " found");
  }
  // Kinds without a Qdrant prefix: the message is kept as given.
  static Error corrupted(std::string message) {
    return {ErrorKind::kCorrupted, std::move(message)};
  }
  static Error unavailable(std::string message) {
    return {ErrorKind::kUnavailable, std::move(message)};
  }
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT
  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

// Result<void>: success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT
  static Status ok_status() { return {}; }
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool failed_ = false;
};

}  // namespace sextant
