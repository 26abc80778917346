#include "index/point_id.hpp"

namespace sextant::index {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<PointId> PointId::parse_uuid(std::string_view text) {
  if (text.size() >= 9 && (text.substr(0, 9) == "urn:uuid:" || text.substr(0, 9) == "URN:UUID:"))
    text.remove_prefix(9);
  if (text.size() == 38 && text.front() == '{' && text.back() == '}') text = text.substr(1, 36);
  std::array<uint8_t, 16> bytes{};
  if (text.size() == 32) {
    for (size_t i = 0; i < 16; ++i) {
      int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
      if (hi < 0 || lo < 0) return std::nullopt;
      bytes[i] = static_cast<uint8_t>(hi * 16 + lo);
    }
    return from_uuid(bytes);
  }
  if (text.size() != 36) return std::nullopt;
  size_t byte = 0;
  for (size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    bytes[byte++] = static_cast<uint8_t>(hi * 16 + lo);
    i += 2;
  }
  return from_uuid(bytes);
}

std::string PointId::to_string() const {
  if (kind == Kind::kNumber) return std::to_string(number);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kDigits[uuid[i] >> 4]);
    out.push_back(kDigits[uuid[i] & 15]);
  }
  return out;
}

std::array<uint8_t, PointId::kKeySize> PointId::to_key() const {
  std::array<uint8_t, kKeySize> key{};
  key[0] = static_cast<uint8_t>(kind);
  if (kind == Kind::kNumber) {
    for (int i = 0; i < 8; ++i) key[1 + i] = static_cast<uint8_t>(number >> (56 - 8 * i));
  } else {
    std::memcpy(key.data() + 1, uuid.data(), 16);
  }
  return key;
}

PointId PointId::from_key(const uint8_t* key) {
  if (key[0] == static_cast<uint8_t>(Kind::kNumber)) {
    uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n = (n << 8) | key[1 + i];
    return from_number(n);
  }
  std::array<uint8_t, 16> bytes;
  std::memcpy(bytes.data(), key + 1, 16);
  return from_uuid(bytes);
}

}  // namespace sextant::index
