// Parsing of Qdrant's FormulaQuery (`{"formula": <Expression>, "defaults": {...}}`) from the
// Query API body into the engine's typed formula (query/formula.hpp), with Qdrant's error texts.
#pragma once

#include <boost/json/object.hpp>
#include <memory>

#include "common/status.hpp"
#include "query/formula.hpp"

namespace sextant::api::formula {

// `{"formula": ..., "defaults": ...}` (the object that holds the `formula` key).
Result<std::shared_ptr<const query::formula::Formula>> parse_formula_query(
    const boost::json::object& query);

}  // namespace sextant::api::formula
