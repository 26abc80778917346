// Error values returned across embed/'s boundary. Nothing in embed/ throws to its callers:
// every fallible public call returns Result<T>, holding either the value or an EmbedError whose
// message is ready to show a user (it names the model, file or option at fault).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace sextant::embed {

struct EmbedError {
  enum class Kind {
    kNotFound,      // model directory or a required file is missing
    kMalformed,     // a file exists but cannot be parsed or has the wrong shapes
    kInvalidInput,  // the caller's text or options are unusable
    kUnavailable,   // the service is shutting down
  };
  Kind kind;
  std::string message;
};

template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design, like expected<>
  Result(EmbedError error) : state_(std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const EmbedError& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, EmbedError> state_;
};

inline EmbedError not_found(std::string message) {
  return {EmbedError::Kind::kNotFound, std::move(message)};
}
inline EmbedError malformed(std::string message) {
  return {EmbedError::Kind::kMalformed, std::move(message)};
}
inline EmbedError invalid_input(std::string message) {
  return {EmbedError::Kind::kInvalidInput, std::move(message)};
}

}  // namespace sextant::embed
