// Extracts one named field (the `snapshot` field of a snapshot upload) from a
// multipart/form-data body (RFC 7578) that arrives in pieces of any size, without ever holding
// more of it than a part's headers plus one delimiter's length: the field's bytes are handed
// to a sink as soon as they are known not to belong to the closing delimiter.
//
// Invariants: the sink sees exactly the field's content, in order, once; bytes of other fields
// and of the preamble / epilogue are dropped. The first field with the wanted name wins; later
// ones are skipped. After an error every further feed() returns that same error.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.hpp"

namespace sextant::api {

class MultipartFieldExtractor {
 public:
  using Sink = std::function<Status(std::string_view bytes)>;

  // `content_type` is the request's Content-Type header (it carries the boundary).
  static Result<MultipartFieldExtractor> create(std::string_view content_type,
                                                std::string field_name);

  // Parses the next piece of the body; the field's bytes found in it go to `sink`. A sink
  // error stops the parse and is returned.
  Status feed(std::string_view piece, const Sink& sink);
  // Call after the last piece: an error when the form ended before the field did, or had
  // no such field.
  Status finish() const;

  // The field's `filename` parameter, once its headers have been read.
  const std::optional<std::string>& filename() const { return filename_; }

 private:
  // kSeekingDelimiter covers the preamble and every part's content.
  enum class State { kSeekingDelimiter, kAfterDelimiter, kPartHeaders, kEpilogue };

  MultipartFieldExtractor(std::string delimiter, std::string field_name);
  // One parsing step on `pending_`; false when it needs more input.
  bool step(const Sink& sink, Status& status);
  bool seek_delimiter(const Sink* sink, Status& status);
  bool after_delimiter(Status& status);
  bool part_headers(Status& status);

  std::string delimiter_;  // "\r\n--" + boundary
  std::string field_name_;
  std::string pending_;  // input not parsed yet
  State state_ = State::kSeekingDelimiter;
  bool in_wanted_field_ = false;
  bool field_found_ = false;
  bool field_complete_ = false;
  std::optional<std::string> filename_;
  std::optional<Error> error_;
};

}  // namespace sextant::api
