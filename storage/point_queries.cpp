#include "storage/point_queries.hpp"

#include <algorithm>

#include "index/payload/json_path.hpp"
#include "storage/point_filter.hpp"

namespace sextant::storage {

PointRecord read_point(const PointReader& reader, uint32_t offset, const ReadOptions& options) {
  PointRecord record;
  record.offset = offset;
  if (auto meta = reader.meta(offset)) {
    record.id = PointId::from_key(meta->id_key);
    record.version = meta->version;
  }
  if (options.with_payload) {
    auto payload = reader.payload(offset);
    record.payload = payload ? std::move(*payload) : boost::json::object{};
  }
  if (options.with_vectors.any())
    record.vectors =
        reader.vectors(offset, options.with_vectors.all ? nullptr : &options.with_vectors.names);
  return record;
}

std::vector<PointRecord> retrieve(const ReadView& view, const std::vector<PointId>& ids,
                                  const ReadOptions& options) {
  PointReader reader = view.reader();
  std::vector<PointRecord> records;
  std::vector<PointId> seen;
  for (const auto& id : ids) {
    if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
    seen.push_back(id);
    auto offset = reader.find(id);
    if (!offset || !reader.alive(*offset)) continue;
    records.push_back(read_point(reader, *offset, options));
  }
  return records;
}

void for_each_matching(const ReadView& view, const index::filter::Filter* filter,
                       const std::function<void(const PointReader&, uint32_t)>& fn) {
  PointReader reader = view.reader();
  const ViewState& state = view.state();
  if (!state.alive) return;
  state.alive->for_each(state.offset_limit, [&](uint32_t offset) {
    if (!filter || point_matches(*filter, reader, offset)) fn(reader, offset);
  });
}

uint64_t count(const ReadView& view, const index::filter::Filter* filter) {
  if (!filter) return view.state().alive_count;
  uint64_t n = 0;
  for_each_matching(view, filter, [&](const PointReader&, uint32_t) { ++n; });
  return n;
}

namespace {

ScrollResult scroll_by_payload(const ReadView& view, const ScrollRequest& request) {
  ScrollResult result;
  auto path = index::payload::JsonPath::parse(request.order_by->key);
  struct Entry {
    double value;
    PointId id;
    uint32_t offset;
  };
  std::vector<Entry> entries;
  for_each_matching(view, request.filter.get(), [&](const PointReader& reader, uint32_t offset) {
    auto payload = reader.payload(offset);
    if (!payload || !path) return;
    boost::json::value root(std::move(*payload));
    PointId id = reader.id(offset);
    // Every numeric value the key reaches orders the point once, as in Qdrant.
    index::payload::for_each_value(*path, root.get_object(), [&](const boost::json::value& v) {
      if (v.is_number()) entries.push_back({v.to_number<double>(), id, offset});
      return true;
    });
  });
  const OrderBy& order = *request.order_by;
  if (order.start_from) {
    std::erase_if(entries, [&](const Entry& e) {
      return order.descending ? e.value > *order.start_from : e.value < *order.start_from;
    });
  }
  std::stable_sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
    if (a.value != b.value) return order.descending ? a.value > b.value : a.value < b.value;
    return order.descending ? b.id < a.id : a.id < b.id;
  });
  PointReader reader = view.reader();
  for (size_t i = 0; i < entries.size() && i < request.limit; ++i) {
    result.points.push_back(read_point(reader, entries[i].offset, request.read));
    result.order_values.push_back(entries[i].value);
  }
  return result;
}

}  // namespace

ScrollResult scroll(const ReadView& view, const ScrollRequest& request) {
  if (request.order_by) return scroll_by_payload(view, request);
  ScrollResult result;
  PointReader reader = view.reader();
  auto cursor = lmdb::Cursor::open(view.txn(), view.state().dbs.id_to_offset);
  if (!cursor.ok()) return result;
  std::array<uint8_t, PointId::kKeySize> start{};
  bool ok;
  if (request.offset) {
    start = request.offset->to_key();
    ok = cursor->seek(lmdb::Bytes(start.data(), start.size()));
  } else {
    ok = cursor->seek();
  }
  for (; ok; ok = cursor->next()) {
    layout::PointMeta meta;
    if (cursor->value().size() != sizeof(meta)) continue;
    std::memcpy(&meta, cursor->value().data(), sizeof(meta));
    if (!reader.alive(meta.offset)) continue;
    if (request.filter && !point_matches(*request.filter, reader, meta.offset)) continue;
    if (result.points.size() == request.limit) {
      result.next_page_offset = PointId::from_key(meta.id_key);
      break;
    }
    result.points.push_back(read_point(reader, meta.offset, request.read));
  }
  return result;
}

}  // namespace sextant::storage
