// Finds one named part of a multipart/form-data body (the `snapshot` field of a snapshot
// upload). The returned views point into the request body and live as long as it does.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "storage/status.hpp"

namespace sextant::api {

struct MultipartPart {
  std::string_view data;
  std::optional<std::string> filename;
};

// `content_type` is the request's Content-Type header (it carries the boundary).
storage::Result<MultipartPart> find_multipart_part(std::string_view content_type,
                                                   std::string_view body,
                                                   std::string_view field_name);

}  // namespace sextant::api
