// A point's external id as Qdrant defines it: an unsigned 64-bit integer or a UUID.
// UUIDs are held as their 16 raw bytes (RFC 4122 byte order), so any accepted text form
// (hyphenated, simple, braced, urn:uuid:) maps to one value and prints lowercase hyphenated.
//
// Ordering (used by scroll): every integer id sorts before every UUID; integers by value, UUIDs
// by their bytes — which is the order of their canonical text.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace sextant::index {

struct PointId {
  enum class Kind : uint8_t { kNumber = 0, kUuid = 1 };
  Kind kind = Kind::kNumber;
  uint64_t number = 0;
  std::array<uint8_t, 16> uuid{};

  static PointId from_number(uint64_t n) {
    PointId id;
    id.kind = Kind::kNumber;
    id.number = n;
    return id;
  }
  static PointId from_uuid(const std::array<uint8_t, 16>& bytes) {
    PointId id;
    id.kind = Kind::kUuid;
    id.uuid = bytes;
    return id;
  }
  bool is_uuid() const { return kind == Kind::kUuid; }

  // Parses a UUID in any of the forms above; nullopt when it is not one.
  static std::optional<PointId> parse_uuid(std::string_view text);
  // Lowercase hyphenated form for UUIDs, decimal for numbers.
  std::string to_string() const;

  // 17-byte key whose memcmp order equals PointId order: kind byte, then big-endian number
  // (padded with 8 zero bytes) or the 16 UUID bytes.
  static constexpr size_t kKeySize = 17;
  std::array<uint8_t, kKeySize> to_key() const;
  static PointId from_key(const uint8_t* key);

  friend bool operator==(const PointId& a, const PointId& b) {
    return a.kind == b.kind && (a.kind == Kind::kNumber ? a.number == b.number : a.uuid == b.uuid);
  }
  friend std::strong_ordering operator<=>(const PointId& a, const PointId& b) {
    if (a.kind != b.kind) return a.kind <=> b.kind;
    if (a.kind == Kind::kNumber) return a.number <=> b.number;
    int c = std::memcmp(a.uuid.data(), b.uuid.data(), 16);
    return c < 0 ? std::strong_ordering::less
                 : (c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal);
  }
};

struct PointIdHash {
  size_t operator()(const PointId& id) const {
    if (id.kind == PointId::Kind::kNumber) return std::hash<uint64_t>()(id.number);
    uint64_t a, b;
    std::memcpy(&a, id.uuid.data(), 8);
    std::memcpy(&b, id.uuid.data() + 8, 8);
    return std::hash<uint64_t>()(a ^ (b * 0x9E3779B97F4A7C15ull));
  }
};

}  // namespace sextant::index
