// The KeyTraits of each value index type (see value_index.hpp) and the factory that builds the
// index a FieldSchema asks for.
#include <cmath>
#include <limits>

#include "index/filter/datetime.hpp"
#include "index/payload_index/geo_index.hpp"
#include "index/payload_index/index_factory.hpp"
#include "index/payload_index/text_index.hpp"
#include "index/payload_index/value_index.hpp"
#include "index/point_id.hpp"

namespace sextant::index::payload_index {
namespace {

namespace json = boost::json;
using filter::FieldCondition;
using filter::Match;

// The single check a condition carries, or none when it has zero or several.
bool only_match(const FieldCondition& c) {
  return c.match && !c.range && !c.geo_bounding_box && !c.geo_radius && !c.geo_polygon &&
         !c.values_count && !c.is_empty && !c.is_null;
}
bool only_range(const FieldCondition& c) {
  return c.range && !c.match && !c.geo_bounding_box && !c.geo_radius && !c.geo_polygon &&
         !c.values_count && !c.is_empty && !c.is_null;
}

std::optional<int64_t> integer_of(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v.get_uint64());
  }
  return std::nullopt;
}

template <typename K, typename B>
bool select_range(const filter::RangeBounds<B>& b, KeySelection<K>& s) {
  s.is_range = true;
  std::optional<B> lower = b.gte;
  if (b.gt && (!lower || *b.gt > *lower)) lower = b.gt;
  if (lower) {
    if constexpr (std::is_same_v<K, int64_t> && std::is_floating_point_v<B>) {
      double start = std::floor(*lower);
      if (start >= 9.2e18) return false;  // nothing fits; let the scan answer
      s.range_start =
          start <= -9.2e18 ? std::numeric_limits<int64_t>::min() : static_cast<int64_t>(start);
    } else {
      s.range_start = static_cast<K>(*lower);
    }
  }
  s.below_range = [b](const K& key) {
    auto x = static_cast<B>(key);
    return (b.gt && !(x > *b.gt)) || (b.gte && !(x >= *b.gte));
  };
  s.past_range = [b](const K& key) {
    auto x = static_cast<B>(key);
    return (b.lt && !(x < *b.lt)) || (b.lte && !(x <= *b.lte));
  };
  return true;
}

struct KeywordTraits {
  using Key = std::string;
  static constexpr bool kFacets = true;
  static std::optional<Key> key_of(const json::value& v) {
    if (!v.is_string()) return std::nullopt;
    return std::string(v.get_string());
  }
  static bool select(const FieldCondition& c, const FieldSchema&, KeySelection<Key>& s) {
    if (!only_match(c)) return false;
    const Match& m = *c.match;
    if (m.kind == Match::Kind::kValue) {
      const auto* keyword = std::get_if<std::string>(&m.value);
      if (keyword == nullptr) return false;
      s.keys.push_back(*keyword);
      return true;
    }
    if (m.kind == Match::Kind::kAny && !m.set.is_integers) {
      s.keys = m.set.strings;
      return true;
    }
    if (m.kind == Match::Kind::kPrefix) {
      s.is_range = true;
      s.range_start = m.text;
      std::string prefix = m.text;
      s.past_range = [prefix](const Key& key) { return !key.starts_with(prefix); };
      return true;
    }
    return false;
  }
  static json::value to_json(const Key& key) { return json::value(key); }
};

struct IntegerTraits {
  using Key = int64_t;
  static constexpr bool kFacets = true;
  static std::optional<Key> key_of(const json::value& v) { return integer_of(v); }
  static bool select(const FieldCondition& c, const FieldSchema& schema, KeySelection<Key>& s) {
    if (only_range(c) && !c.range->is_datetime && schema.integer_range) {
      return select_range(c.range->numbers, s);
    }
    if (!only_match(c) || !schema.integer_lookup) return false;
    const Match& m = *c.match;
    if (m.kind == Match::Kind::kValue) {
      const auto* integer = std::get_if<int64_t>(&m.value);
      if (integer == nullptr) return false;
      s.keys.push_back(*integer);
      return true;
    }
    if (m.kind == Match::Kind::kAny && m.set.is_integers) {
      s.keys = m.set.integers;
      return true;
    }
    return false;
  }
  static json::value to_json(const Key& key) { return json::value(key); }
};

struct FloatTraits {
  using Key = double;
  static constexpr bool kFacets = false;
  static std::optional<Key> key_of(const json::value& v) {
    if (!v.is_number()) return std::nullopt;
    double x = v.to_number<double>();
    if (std::isnan(x)) return std::nullopt;
    return x;
  }
  static bool select(const FieldCondition& c, const FieldSchema&, KeySelection<Key>& s) {
    if (!only_range(c) || c.range->is_datetime) return false;
    return select_range(c.range->numbers, s);
  }
  static json::value to_json(const Key& key) { return json::value(key); }
};

struct BoolTraits {
  using Key = bool;
  static constexpr bool kFacets = true;
  static std::optional<Key> key_of(const json::value& v) {
    if (!v.is_bool()) return std::nullopt;
    return v.get_bool();
  }
  static bool select(const FieldCondition& c, const FieldSchema&, KeySelection<Key>& s) {
    if (!only_match(c) || c.match->kind != Match::Kind::kValue) return false;
    const auto* flag = std::get_if<bool>(&c.match->value);
    if (flag == nullptr) return false;
    s.keys.push_back(*flag);
    return true;
  }
  static json::value to_json(const Key& key) { return json::value(key); }
};

struct DatetimeTraits {
  using Key = int64_t;  // microseconds since the epoch, UTC
  static constexpr bool kFacets = false;
  static std::optional<Key> key_of(const json::value& v) {
    if (!v.is_string()) return std::nullopt;
    return filter::parse_datetime_micros(v.get_string());
  }
  static bool select(const FieldCondition& c, const FieldSchema&, KeySelection<Key>& s) {
    if (!only_range(c) || !c.range->is_datetime) return false;
    return select_range(c.range->datetime_micros, s);
  }
  static json::value to_json(const Key& key) { return json::value(key); }
};

struct UuidTraits {
  using Key = std::array<uint8_t, 16>;
  static constexpr bool kFacets = true;
  static std::optional<Key> key_of(const json::value& v) {
    if (!v.is_string()) return std::nullopt;
    auto id = PointId::parse_uuid(v.get_string());
    if (!id) return std::nullopt;
    return id->uuid;
  }
  static bool select(const FieldCondition& c, const FieldSchema&, KeySelection<Key>& s) {
    if (!only_match(c)) return false;
    const Match& m = *c.match;
    auto add = [&](const std::string& text) {
      // A string that is not a UUID matches no uuid-indexed value.
      if (auto id = PointId::parse_uuid(text)) s.keys.push_back(id->uuid);
    };
    if (m.kind == Match::Kind::kValue) {
      const auto* text = std::get_if<std::string>(&m.value);
      if (text == nullptr) return false;
      add(*text);
      return true;
    }
    if (m.kind == Match::Kind::kAny && !m.set.is_integers) {
      for (const std::string& text : m.set.strings) add(text);
      return true;
    }
    return false;
  }
  static json::value to_json(const Key& key) {
    return json::value(PointId::from_uuid(key).to_string());
  }
};

}  // namespace

std::unique_ptr<FieldIndex> make_field_index(const FieldSchema& schema) {
  switch (schema.type) {
    case FieldType::kKeyword:
      return std::make_unique<ValueIndex<KeywordTraits>>(schema);
    case FieldType::kInteger:
      return std::make_unique<ValueIndex<IntegerTraits>>(schema);
    case FieldType::kFloat:
      return std::make_unique<ValueIndex<FloatTraits>>(schema);
    case FieldType::kBool:
      return std::make_unique<ValueIndex<BoolTraits>>(schema);
    case FieldType::kDatetime:
      return std::make_unique<ValueIndex<DatetimeTraits>>(schema);
    case FieldType::kUuid:
      return std::make_unique<ValueIndex<UuidTraits>>(schema);
    case FieldType::kGeo:
      return make_geo_index();
    case FieldType::kText:
      return make_text_index(schema.text);
  }
  return nullptr;
}

}  // namespace sextant::index::payload_index
