// The params of a payload index as Qdrant keeps and reports them (`payload_schema.<field>.params`
// of GET /collections/{c}), built from the `field_schema` object a create-index request gave.
//
// Qdrant deserialises the object into its *IndexParams struct of the index type and reports that
// struct back, so the reported params are canonical, not an echo of the request: members the
// struct lacks are dropped; optional members absent or null are left out, except the few the
// struct always writes (integer `lookup` / `range` / `is_principal`, float and datetime
// `is_principal`, written as null when unset) and text's `tokenizer` (default "word"). Members
// are written in the struct's order, `type` first.
//
// Input: a field_schema object that parse_field_schema accepted.
#pragma once

#include <boost/json/object.hpp>

#include "index/payload_index/field_schema.hpp"

namespace sextant::api {

boost::json::object canonical_index_params(index::payload_index::FieldType type,
                                           const boost::json::object& given);

}  // namespace sextant::api
