// Encodes many offsets on a few threads, for every quantized code store (int8, binary, product):
// `encode_one(offset)` must be safe to call concurrently for distinct offsets. Work is handed
// out in blocks of 1024 offsets so threads do not contend on the counter.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <span>
#include <thread>
#include <vector>

#include "index/hnsw/vector_source.hpp"

namespace sextant::index {

template <typename EncodeOne>
void encode_in_parallel(std::span<const uint32_t> offsets, unsigned threads,
                        const EncodeOne& encode_one) {
  if (offsets.empty()) return;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  constexpr size_t kBlock = 1024;
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(kBlock)) < offsets.size();)
      for (size_t j = i; j < std::min(offsets.size(), i + kBlock); ++j) encode_one(offsets[j]);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads && size_t(t) * kBlock < offsets.size(); ++t)
    pool.emplace_back(work);
  work();
  for (auto& thread : pool) thread.join();
}

// The encode_all of every code store: makes room for the largest of `offsets`, then encodes
// each from its float32 vector in `source` with `store.set(offset, vector)`.
template <typename CodeStore>
void encode_offsets(CodeStore& store, std::span<const uint32_t> offsets, const VectorSource& source,
                    unsigned threads) {
  if (offsets.empty()) return;
  store.reserve(*std::max_element(offsets.begin(), offsets.end()) + 1);
  encode_in_parallel(offsets, threads,
                     [&](uint32_t offset) { store.set(offset, source.vector(offset)); });
}

}  // namespace sextant::index
