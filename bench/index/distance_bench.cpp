// Distance kernel throughput per instruction set, against the memory-bandwidth ceiling of the
// same bytes. Each benchmark scores one query against every vector of an array of `count`
// vectors (dim 384), reporting bytes/s; "ceiling/sum" reads the same array with the same ISA's
// best loop that does nothing but add (a lower bound on time for any kernel over those bytes).
// Small arrays (fits in L2) show compute limits, large ones (far past L3) memory limits.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "index/distance/distance.hpp"

namespace {

using sextant::index::KernelTable;
constexpr size_t kDim = 384;

struct Data {
  std::vector<float> f32;
  std::vector<uint16_t> f16;
  std::vector<uint8_t> u8;
  std::vector<int8_t> i8;
};

const Data& data_for(size_t count) {
  static std::vector<std::pair<size_t, Data>> cache;
  for (auto& [n, d] : cache)
    if (n == count) return d;
  Data d;
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> uniform(-1, 1);
  d.f32.resize(count * kDim);
  for (auto& v : d.f32) v = uniform(rng);
  d.f16.resize(d.f32.size());
  d.u8.resize(d.f32.size());
  d.i8.resize(d.f32.size());
  for (size_t i = 0; i < d.f32.size(); ++i) {
    d.f16[i] = sextant::index::float_to_half(d.f32[i]);
    d.u8[i] = uint8_t((d.f32[i] + 1) * 127);
    d.i8[i] = int8_t(d.f32[i] * 127);
  }
  cache.emplace_back(count, std::move(d));
  return cache.back().second;
}

template <typename T, typename Fn>
void run_kernel(benchmark::State& state, const std::vector<T>& values, Fn fn) {
  const size_t count = values.size() / kDim;
  const T* query = values.data();
  for (auto _ : state) {
    float total = 0;
    for (size_t i = 0; i < count; ++i) total += float(fn(query, values.data() + i * kDim, kDim));
    benchmark::DoNotOptimize(total);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(values.size() * sizeof(T)));
  state.counters["vectors/s"] =
      benchmark::Counter(double(state.iterations()) * double(count), benchmark::Counter::kIsRate);
}

// Memory ceiling: sum all floats of the same array (bandwidth-bound, no multiply).
void ceiling_sum(benchmark::State& state, const KernelTable* table, size_t count) {
  const auto& values = data_for(count).f32;
  static const std::vector<float> ones(kDim, 1.0f);
  run_kernel<float>(state, values, [&](const float*, const float* v, size_t n) {
    return table->dot_f32(ones.data(), v, n);  // one stream from memory, like a kernel's
  });
}

void register_all() {
  for (size_t count : {size_t(1000), size_t(100000)}) {
    const std::string size = count == 1000 ? "/in_cache_1k" : "/memory_100k";
    for (const KernelTable* t : sextant::index::supported_kernel_tables()) {
      const std::string isa(t->isa_name);
      auto reg = [&](const std::string& name, auto fn) {
        benchmark::RegisterBenchmark((name + "/" + isa + size).c_str(), fn)
            ->Unit(benchmark::kMicrosecond);
      };
      reg("dot_f32", [t, count](benchmark::State& s) {
        run_kernel<float>(s, data_for(count).f32, t->dot_f32);
      });
      reg("l2_squared_f32", [t, count](benchmark::State& s) {
        run_kernel<float>(s, data_for(count).f32, t->l2_squared_f32);
      });
      reg("l1_f32", [t, count](benchmark::State& s) {
        run_kernel<float>(s, data_for(count).f32, t->l1_f32);
      });
      reg("dot_f16", [t, count](benchmark::State& s) {
        run_kernel<uint16_t>(s, data_for(count).f16, t->dot_f16);
      });
      reg("dot_u8", [t, count](benchmark::State& s) {
        run_kernel<uint8_t>(s, data_for(count).u8, t->dot_u8);
      });
      reg("dot_i8", [t, count](benchmark::State& s) {
        run_kernel<int8_t>(s, data_for(count).i8, t->dot_i8);
      });
      reg("ceiling_sum_f32", [t, count](benchmark::State& s) { ceiling_sum(s, t, count); });
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
