// Errors as values at module boundaries. An Error carries Qdrant's full user-facing message
// (e.g. "Not found: Collection `c` doesn't exist!") and a kind; api/ is the one place that maps
// kinds to HTTP status codes. Result<T> is a value or an Error, never both.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace sextant::storage {

enum class ErrorKind {
  kBadInput,        // 400 "Wrong input: ..."
  kBadRequest,      // 400 "Bad request: ..."
  kFormat,          // 400 "Format error in JSON body: ..."
  kValidation,      // 422 "Validation error in JSON body: ..."
  kNotFound,        // 404 "Not found: ..."
  kAlreadyExists,   // 409 "Wrong input: ..."
  kForbidden,       // 403 "Forbidden: ..."
  kTimeout,         // 408 "Timeout: ..."
  kPayloadTooLarge, // 413
  kInsufficientStorage,  // 507
  kInternal,        // 500 "Service internal error: ..."
};

struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string message;  // complete text shown to the user

  static Error bad_input(const std::string& d) { return {ErrorKind::kBadInput, "Wrong input: " + d}; }
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
  static Error collection_not_found(const std::string& name) {
    return not_found("Collection `" + name + "` doesn't exist!");
  }
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}      // NOLINT
  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
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

}  // namespace sextant::storage
