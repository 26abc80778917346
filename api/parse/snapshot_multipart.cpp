// Incremental multipart/form-data field extraction; see snapshot_multipart.hpp.
//
// The body is parsed as a sequence of delimiters "\r\n--<boundary>". Parsing starts with
// "\r\n" already pending, so a delimiter at the very start of the body (the usual case, with
// no preamble) is found like every other one.
#include "api/parse/snapshot_multipart.hpp"

#include <cctype>

namespace sextant::api {
namespace {

constexpr size_t kMaxPartHeadersBytes = 16 * 1024;
constexpr size_t kMaxDelimiterLineBytes = 1024;  // "--boundary" plus transport padding

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Value of `name=` in a header parameter list such as `form-data; name="x"; filename="y"`.
std::optional<std::string> header_parameter(std::string_view header, std::string_view name) {
  size_t position = 0;
  while (position < header.size()) {
    size_t end = header.find(';', position);
    if (end == std::string_view::npos) end = header.size();
    std::string_view item = trim(header.substr(position, end - position));
    size_t equals = item.find('=');
    if (equals != std::string_view::npos && lower(trim(item.substr(0, equals))) == name) {
      std::string_view value = trim(item.substr(equals + 1));
      if (value.size() >= 2 && value.front() == '"') {
        // Quoted: may contain ';', so re-scan to the closing quote.
        size_t open = header.find('"', position);
        size_t close = header.find('"', open + 1);
        if (close == std::string_view::npos) return std::nullopt;
        return std::string(header.substr(open + 1, close - open - 1));
      }
      return std::string(value);
    }
    position = end + 1;
  }
  return std::nullopt;
}

Error malformed(std::string_view what) {
  return Error::bad_request("Malformed multipart body: " + std::string(what));
}

}  // namespace

Result<MultipartFieldExtractor> MultipartFieldExtractor::create(std::string_view content_type,
                                                                std::string field_name) {
  auto boundary = header_parameter(content_type, "boundary");
  if (!boundary || boundary->empty())
    return Error::bad_request("Multipart boundary is missing in Content-Type");
  return MultipartFieldExtractor("\r\n--" + *boundary, std::move(field_name));
}

MultipartFieldExtractor::MultipartFieldExtractor(std::string delimiter, std::string field_name)
    : delimiter_(std::move(delimiter)), field_name_(std::move(field_name)), pending_("\r\n") {}

Status MultipartFieldExtractor::feed(std::string_view piece, const Sink& sink) {
  if (error_) return *error_;
  pending_.append(piece);
  Status status;
  while (step(sink, status)) {
  }
  if (!status.ok()) error_ = status.error();
  return status;
}

Status MultipartFieldExtractor::finish() const {
  if (error_) return *error_;
  if (!field_found_) return Error::bad_request("Multipart form has no `" + field_name_ + "` field");
  if (!field_complete_) return malformed("the form ends inside its `" + field_name_ + "` field");
  return {};
}

bool MultipartFieldExtractor::step(const Sink& sink, Status& status) {
  switch (state_) {
    case State::kSeekingDelimiter:
      return seek_delimiter(in_wanted_field_ ? &sink : nullptr, status);
    case State::kAfterDelimiter:
      return after_delimiter(status);
    case State::kPartHeaders:
      return part_headers(status);
    case State::kEpilogue:
      pending_.clear();
      return false;
  }
  return false;
}

// Preamble or part content up to the next delimiter. Content bytes go to `sink` (when it is
// the wanted field) except a tail that could be the start of a delimiter split across pieces.
bool MultipartFieldExtractor::seek_delimiter(const Sink* sink, Status& status) {
  size_t found = pending_.find(delimiter_);
  size_t content_end = found;
  if (found == std::string::npos) {
    size_t keep = delimiter_.size() - 1;
    content_end = pending_.size() > keep ? pending_.size() - keep : 0;
  }
  if (sink && content_end > 0) {
    status = (*sink)(std::string_view(pending_).substr(0, content_end));
    if (!status.ok()) return false;
  }
  if (found == std::string::npos) {
    pending_.erase(0, content_end);
    return false;
  }
  pending_.erase(0, found + delimiter_.size());
  if (in_wanted_field_) field_complete_ = true;
  in_wanted_field_ = false;
  state_ = State::kAfterDelimiter;
  return true;
}

// After a delimiter: "--" closes the form; otherwise optional padding and CRLF open a part.
bool MultipartFieldExtractor::after_delimiter(Status& status) {
  if (pending_.size() < 2) return false;
  if (pending_.compare(0, 2, "--") == 0) {
    state_ = State::kEpilogue;
    return true;
  }
  size_t line_end = pending_.find("\r\n");
  if (line_end == std::string::npos) {
    if (pending_.size() > kMaxDelimiterLineBytes) status = malformed("delimiter line too long");
    return false;
  }
  if (!trim(std::string_view(pending_).substr(0, line_end)).empty()) {
    status = malformed("unexpected bytes after a boundary");
    return false;
  }
  pending_.erase(0, line_end + 2);
  state_ = State::kPartHeaders;
  return true;
}

// A part's headers, up to the empty line; only Content-Disposition matters here.
bool MultipartFieldExtractor::part_headers(Status& status) {
  if (pending_.size() < 2) return false;
  size_t headers_end = 0;
  size_t content_start = 2;  // a part without headers starts right after an empty line
  if (pending_.compare(0, 2, "\r\n") != 0) {
    headers_end = pending_.find("\r\n\r\n");
    if (headers_end == std::string::npos) {
      if (pending_.size() > kMaxPartHeadersBytes) status = malformed("part headers too long");
      return false;
    }
    content_start = headers_end + 4;
  }
  std::string_view headers = std::string_view(pending_).substr(0, headers_end);
  std::optional<std::string> name;
  std::optional<std::string> filename;
  size_t line_start = 0;
  while (line_start < headers.size()) {
    size_t line_end = headers.find("\r\n", line_start);
    if (line_end == std::string_view::npos) line_end = headers.size();
    std::string_view line = headers.substr(line_start, line_end - line_start);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos &&
        lower(trim(line.substr(0, colon))) == "content-disposition") {
      name = header_parameter(line.substr(colon + 1), "name");
      filename = header_parameter(line.substr(colon + 1), "filename");
    }
    line_start = line_end + 2;
  }
  in_wanted_field_ = !field_found_ && name && *name == field_name_;
  if (in_wanted_field_) {
    field_found_ = true;
    filename_ = std::move(filename);
  }
  pending_.erase(0, content_start);
  state_ = State::kSeekingDelimiter;
  return true;
}

}  // namespace sextant::api
