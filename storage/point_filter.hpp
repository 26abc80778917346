// Bridges the filter evaluator (index/filter) to stored points: a filter is checked against a
// point's id, payload and vector presence as read through a PointReader.
#pragma once

#include <cstdint>

#include "storage/point_reader.hpp"

namespace sextant::index::filter {
struct Filter;
}

namespace sextant::storage {

bool point_matches(const index::filter::Filter& filter, const PointReader& reader, uint32_t offset);

}  // namespace sextant::storage
