// Qdrant's names for the enum values of a collection's configuration, shared by the section
// parsers and writers (config_sections_json.hpp). Lists are in the order Qdrant's messages
// name them.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>

#include "common/status.hpp"
#include "storage/collection_config.hpp"

namespace sextant::api::config_names {
namespace json = boost::json;

template <typename Enum>
struct EnumName {
  Enum value;
  const char* name;
};

inline const EnumName<index::BinaryEncoding> kBinaryEncodings[] = {
    {index::BinaryEncoding::kOneBit, "one_bit"},
    {index::BinaryEncoding::kTwoBits, "two_bits"},
    {index::BinaryEncoding::kOneAndHalfBits, "one_and_half_bits"}};
inline const EnumName<storage::BinaryQueryEncoding> kQueryEncodings[] = {
    {storage::BinaryQueryEncoding::kDefault, "default"},
    {storage::BinaryQueryEncoding::kBinary, "binary"},
    {storage::BinaryQueryEncoding::kScalar4Bits, "scalar4bits"},
    {storage::BinaryQueryEncoding::kScalar8Bits, "scalar8bits"}};
inline const EnumName<index::TurboBits> kTurboBits[] = {{index::TurboBits::kBits1, "bits1"},
                                                        {index::TurboBits::kBits1_5, "bits1_5"},
                                                        {index::TurboBits::kBits2, "bits2"},
                                                        {index::TurboBits::kBits4, "bits4"}};
inline const EnumName<storage::Datatype> kDatatypes[] = {{storage::Datatype::kFloat32, "float32"},
                                                         {storage::Datatype::kUint8, "uint8"},
                                                         {storage::Datatype::kFloat16, "float16"}};
inline const EnumName<storage::Distance> kDistances[] = {
    {storage::Distance::kCosine, "Cosine"},
    {storage::Distance::kEuclid, "Euclid"},
    {storage::Distance::kDot, "Dot"},
    {storage::Distance::kManhattan, "Manhattan"}};

template <typename Enum, size_t N>
const char* name_of(const EnumName<Enum> (&names)[N], Enum value) {
  for (const auto& entry : names)
    if (entry.value == value) return entry.name;
  return names[0].name;
}

template <typename Enum, size_t N>
std::optional<Enum> value_of(const EnumName<Enum> (&names)[N], const json::value& value) {
  if (!value.is_string()) return std::nullopt;
  for (const auto& entry : names)
    if (value.get_string() == entry.name) return entry.value;
  return std::nullopt;
}

template <typename Enum, size_t N>
Error unknown_variant(const EnumName<Enum> (&names)[N], const json::value& value) {
  std::string expected;
  for (const auto& entry : names)
    expected += std::string(expected.empty() ? "" : ", ") + "`" + entry.name + "`";
  std::string got = value.is_string() ? std::string(value.get_string()) : "non-string";
  return Error::format("unknown variant `" + got + "`, expected one of " + expected);
}

}  // namespace sextant::api::config_names
