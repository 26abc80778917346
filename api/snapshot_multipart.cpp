// multipart/form-data part lookup (RFC 7578); see snapshot_multipart.hpp.
#include "api/snapshot_multipart.hpp"

#include <cctype>

namespace sextant::api {
namespace {

using storage::Error;

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

}  // namespace

storage::Result<MultipartPart> find_multipart_part(std::string_view content_type,
                                                   std::string_view body,
                                                   std::string_view field_name) {
  auto boundary = header_parameter(content_type, "boundary");
  if (!boundary || boundary->empty())
    return Error::bad_request("Multipart boundary is missing in Content-Type");
  const std::string delimiter = "--" + *boundary;
  size_t position = body.find(delimiter);
  while (position != std::string_view::npos) {
    position += delimiter.size();
    if (body.substr(position, 2) == "--") break;  // closing delimiter
    size_t headers_start = body.find("\r\n", position);
    if (headers_start == std::string_view::npos) break;
    headers_start += 2;
    size_t headers_end = body.find("\r\n\r\n", headers_start);
    if (headers_end == std::string_view::npos) break;
    const size_t data_start = headers_end + 4;
    const size_t next = body.find("\r\n" + delimiter, data_start);
    if (next == std::string_view::npos) break;
    std::optional<std::string> name;
    std::optional<std::string> filename;
    std::string_view headers = body.substr(headers_start, headers_end - headers_start);
    size_t line_start = 0;
    while (line_start <= headers.size()) {
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
    if (name && *name == field_name)
      return MultipartPart{body.substr(data_start, next - data_start), filename};
    position = next + 2;
  }
  return Error::bad_request("Multipart form has no `" + std::string(field_name) + "` field");
}

}  // namespace sextant::api
