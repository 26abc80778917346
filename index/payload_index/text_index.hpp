// Full-text index: token -> points postings built with the index's TextTokenizer. With this index
// on a key, `match: {text}` requires every query token among a value's tokens, `text_any` any of
// them, `phrase` the query tokens consecutively, instead of the substring test used without it.
// Candidate lists are supersets (a point's tokens are pooled across its values); the token rule
// itself is applied per value by special_check.
#pragma once

#include <memory>

#include "index/payload_index/field_index.hpp"

namespace sextant::index::payload_index {

std::unique_ptr<FieldIndex> make_text_index(const TextOptions& options);

}  // namespace sextant::index::payload_index
