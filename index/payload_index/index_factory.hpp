// Builds the in-memory FieldIndex a field_schema asks for.
#pragma once

#include <memory>

#include "index/payload_index/field_index.hpp"
#include "index/payload_index/field_schema.hpp"

namespace sextant::index::payload_index {

std::unique_ptr<FieldIndex> make_field_index(const FieldSchema& schema);

}  // namespace sextant::index::payload_index
