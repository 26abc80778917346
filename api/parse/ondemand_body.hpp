// The simdjson on-demand pieces shared by the fast paths of the hot routes (plain_vector_body,
// upsert_body): the calling thread's parser over a padded copy of the body, exact f32 numbers,
// and the end-of-document check.
//
// Invariant: a reader here fails wherever simdjson could read a value differently from the DOM
// parser (a mantissa over 19 significant digits, a number outside f32, trailing content), so the
// caller falls back to the DOM path, which words every error.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <string_view>
#include <vector>

namespace sextant::api::ondemand {

// Starts reading `body` with this thread's parser over this thread's padded copy of it; false
// when simdjson refuses it. `document` stays valid until the next call on the same thread.
bool iterate_on_this_thread(std::string_view body, simdjson::ondemand::document& document);

// One JSON number as a finite f32, read exactly; false for anything else.
bool read_f32(simdjson::ondemand::value value, float& out);

// A JSON array of such numbers, appended to `out`; false for anything else, or once the array
// holds more than `max_count` numbers. One call per array, so the per-number reading is inlined
// into the loop (a call per number costs as much again as the reading).
bool read_f32_array(simdjson::ondemand::value value, size_t max_count, std::vector<float>& out);

// True when nothing but whitespace follows the document's root value.
bool at_end(simdjson::ondemand::document& document);

}  // namespace sextant::api::ondemand
