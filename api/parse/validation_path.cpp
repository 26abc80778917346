// Paths of validation errors in the request body; see validation_path.hpp.
#include "api/parse/validation_path.hpp"

#include <string>

namespace sextant::api {
namespace {

constexpr std::string_view kHead = "Validation error in JSON body: [";
constexpr std::string_view kSeparator = "; ";  // between the fields of one error

bool is_body_validation(const Error& error) {
  return error.kind == ErrorKind::kValidation && error.message.starts_with(kHead);
}

}  // namespace

Error with_body_path(Error error, std::string_view prefix) {
  if (!is_body_validation(error) || prefix.empty()) return error;
  std::string& text = error.message;
  text.insert(kHead.size(), prefix);
  for (size_t at = text.find(kSeparator, kHead.size()); at != std::string::npos;
       at = text.find(kSeparator, at + kSeparator.size() + prefix.size())) {
    text.insert(at + kSeparator.size(), prefix);
  }
  return error;
}

Error with_vector_path(Error error, std::string_view path) {
  if (!is_body_validation(error)) return error;
  std::string& text = error.message;
  for (std::string_view vector_path : {"vector.?.", "vector."}) {
    if (text.compare(kHead.size(), vector_path.size(), vector_path) != 0) continue;
    text.replace(kHead.size(), vector_path.size() - 1, path);  // keeps the '.'
    break;
  }
  return error;
}

}  // namespace sextant::api
