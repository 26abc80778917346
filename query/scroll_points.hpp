// POST /points/scroll as the engine runs it: a page of points in id order, or ordered by a
// payload key (`order_by`), with Qdrant's rules for ordering checked before any point is read.
//
// Rules (Qdrant's texts): `offset` cannot page an ordered scroll (ordered pages continue with
// `order_by.start_from` and a filter), and the `order_by` key needs a range-capable payload
// index (integer, float or datetime).
#pragma once

#include "common/status.hpp"
#include "storage/collection.hpp"
#include "storage/point_queries.hpp"

namespace sextant::query {

// The `order_by` of a scroll or a query checked against the collection's payload indexes (the
// key needs a range index, Qdrant's 400 otherwise), with the index's type filled in.
Result<storage::OrderBy> resolve_order_by(const storage::Collection& collection,
                                          storage::OrderBy order_by);

// Reads the page from `view` (a view of `collection`; its current view when null).
Result<storage::ScrollResult> scroll_points(
    const storage::Collection& collection, const storage::ScrollRequest& request,
    std::shared_ptr<const storage::ReadView> view = nullptr);

}  // namespace sextant::query
