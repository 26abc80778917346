// libFuzzer target: raw bytes -> sextant::fuzz::parse_collection_config_body (see
// entry_points.hpp). Run: build-fuzz/fuzz/fuzz_collection_config fuzz/corpus/collection_config
// -dict=fuzz/json.dict -max_len=4096
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/entry_points.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sextant::fuzz::parse_collection_config_body(
      std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
