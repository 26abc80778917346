#include "storage/point_queries.hpp"

#include <algorithm>

#include "index/filter/datetime.hpp"
#include "index/payload/json_path.hpp"
#include "storage/point_filter.hpp"

namespace sextant::storage {

PointRecord read_point(const PointReader& reader, uint32_t offset, const ReadOptions& options) {
  PointRecord record;
  record.offset = offset;
  if (auto identity = reader.identity(offset)) {
    record.id = identity->id;
    record.version = identity->version;
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

using index::payload_index::FieldType;

// The value `v` (one element of the key's values) orders a point by, as the key's range index
// holds it; nullopt when that index would not hold it.
std::optional<double> ordering_value(const boost::json::value& v, std::optional<FieldType> type) {
  if (type == FieldType::kInteger) {
    if (v.is_int64()) return static_cast<double>(v.get_int64());
    if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(INT64_MAX))
      return static_cast<double>(v.get_uint64());
    return std::nullopt;
  }
  if (type == FieldType::kDatetime) {
    if (!v.is_string()) return std::nullopt;
    auto micros = index::filter::parse_datetime_micros(v.get_string());
    if (!micros) return std::nullopt;
    return static_cast<double>(*micros);
  }
  if (v.is_number()) return v.to_number<double>();
  return std::nullopt;
}

ScrollResult scroll_by_payload(const ReadView& view, const ScrollRequest& request) {
  ScrollResult result;
  const OrderBy& order = *request.order_by;
  result.order_values_are_integers =
      order.key_type == FieldType::kInteger || order.key_type == FieldType::kDatetime;
  auto path = index::payload::JsonPath::parse(order.key);
  if (!path) return result;
  struct Entry {
    double value;
    PointId id;
    uint32_t offset;
  };
  auto before = [&](const Entry& a, const Entry& b) {
    if (a.value != b.value) return order.descending ? a.value > b.value : a.value < b.value;
    return order.descending ? b.id < a.id : a.id < b.id;
  };
  auto past_start = [&](double value) {
    if (!order.start_from) return true;
    return order.descending ? value <= *order.start_from : value >= *order.start_from;
  };
  std::vector<Entry> entries;
  for_each_matching(view, request.filter.get(), [&](const PointReader& reader, uint32_t offset) {
    auto payload = reader.payload(offset);
    if (!payload) return;
    PointId id = reader.id(offset);
    auto add = [&](const boost::json::value& v) {
      auto value = ordering_value(v, order.key_type);
      if (value && past_start(*value)) entries.push_back({*value, id, offset});
    };
    // Every value the key reaches orders the point once; an array's elements each count.
    index::payload::for_each_value(*path, *payload, [&](const boost::json::value& v) {
      if (const auto* array = v.if_array())
        for (const auto& element : *array) add(element);
      else
        add(v);
      return true;
    });
  });
  std::sort(entries.begin(), entries.end(), before);
  // A value a point holds twice orders it once.
  entries.erase(std::unique(entries.begin(), entries.end(),
                            [](const Entry& a, const Entry& b) {
                              return a.value == b.value && a.id == b.id;
                            }),
                entries.end());
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
