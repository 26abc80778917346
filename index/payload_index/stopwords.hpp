// Built-in stopword lists for full-text indexes, by the language names Qdrant accepts.
// Only English is built in; other languages are reported as unsupported by the schema parser.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sextant::index::payload_index {

// The list for `language` (case-insensitive name such as "english"); null when not built in.
const std::vector<std::string>* stopwords_for_language(std::string_view language);

}  // namespace sextant::index::payload_index
