// Inverted index runs: building a run from pending vectors, merging neighbouring runs, and the
// term-at-a-time search that accumulates scores per run in a reusable scratch array.
#include "index/sparse/inverted_index.hpp"

#include <algorithm>
#include <cmath>
#include <queue>

namespace sextant::index::sparse {

void PendingVectors::add(uint32_t offset, const uint32_t* indices, const float* values,
                         size_t count) {
  if (count == 0) return;
  offsets_.push_back(offset);
  for (size_t i = 0; i < count; ++i) entries_.push_back({indices[i], offset, values[i]});
}

void PendingVectors::clear() {
  offsets_.clear();
  entries_.clear();
}

std::pair<const Posting*, const Posting*> InvertedIndex::Run::list(uint32_t dim) const {
  auto it = std::lower_bound(dims.begin(), dims.end(), dim);
  if (it == dims.end() || *it != dim) return {nullptr, nullptr};
  const size_t i = size_t(it - dims.begin());
  return {postings.data() + list_starts[i], postings.data() + list_starts[i + 1]};
}

std::shared_ptr<const InvertedIndex::Run> InvertedIndex::build_run(const PendingVectors& pending) {
  auto run = std::make_shared<Run>();
  run->documents = pending.offsets_;
  run->first_offset = run->documents.front();
  run->end_offset = run->documents.back() + 1;
  auto entries = pending.entries_;
  // Stable by dimension: offsets were added ascending, so each list stays sorted by offset.
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.dim < b.dim; });
  run->postings.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i == 0 || entries[i].dim != entries[i - 1].dim) {
      run->dims.push_back(entries[i].dim);
      run->list_starts.push_back(uint32_t(run->postings.size()));
    }
    run->postings.push_back({entries[i].offset, entries[i].weight});
  }
  run->list_starts.push_back(uint32_t(run->postings.size()));
  return run;
}

std::shared_ptr<const InvertedIndex::Run> InvertedIndex::merge_runs(const Run& older,
                                                                    const Run& newer) {
  auto run = std::make_shared<Run>();
  run->first_offset = older.first_offset;
  run->end_offset = newer.end_offset;
  run->documents = older.documents;
  run->documents.insert(run->documents.end(), newer.documents.begin(), newer.documents.end());
  run->postings.reserve(older.postings.size() + newer.postings.size());
  size_t a = 0, b = 0;
  auto append = [&](const Run& from, size_t i) {
    run->postings.insert(run->postings.end(), from.postings.begin() + from.list_starts[i],
                         from.postings.begin() + from.list_starts[i + 1]);
  };
  while (a < older.dims.size() || b < newer.dims.size()) {
    const bool take_a =
        b == newer.dims.size() || (a < older.dims.size() && older.dims[a] <= newer.dims[b]);
    const bool take_b =
        a == older.dims.size() || (b < newer.dims.size() && newer.dims[b] <= older.dims[a]);
    run->dims.push_back(take_a ? older.dims[a] : newer.dims[b]);
    run->list_starts.push_back(uint32_t(run->postings.size()));
    if (take_a) append(older, a++);  // older offsets first: lists stay sorted
    if (take_b) append(newer, b++);
  }
  run->list_starts.push_back(uint32_t(run->postings.size()));
  return run;
}

std::shared_ptr<const InvertedIndex> InvertedIndex::appended(
    const std::shared_ptr<const InvertedIndex>& base, const PendingVectors& pending) {
  auto index = std::make_shared<InvertedIndex>();
  if (base) index->runs_ = base->runs_;
  if (pending.empty()) return index;
  index->runs_.push_back(build_run(pending));
  // Merge while the newest run is at least half its predecessor: sizes halve from the oldest
  // run on, so there are O(log n) runs and each posting is copied O(log n) times.
  auto& runs = index->runs_;
  while (runs.size() >= 2 &&
         runs.back()->documents.size() * 2 >= runs[runs.size() - 2]->documents.size()) {
    auto merged = merge_runs(*runs[runs.size() - 2], *runs.back());
    runs.pop_back();
    runs.back() = std::move(merged);
  }
  return index;
}

namespace {

struct WorseFirst {
  bool operator()(const SparseHit& a, const SparseHit& b) const {
    if (a.score != b.score) return a.score > b.score;
    return a.offset < b.offset;
  }
};

// Per-thread accumulator reused across searches: scores of one run's offsets and the list of
// offsets touched, so resetting costs the touched entries only.
struct Scratch {
  std::vector<float> scores;
  std::vector<uint8_t> touched_flags;
  std::vector<uint32_t> touched;
};

}  // namespace

std::vector<SparseHit> InvertedIndex::search(const SortedSparse& query, size_t limit,
                                             const Accept& accept,
                                             const float* score_threshold) const {
  if (limit == 0 || query.indices.empty()) return {};
  thread_local Scratch scratch;
  std::priority_queue<SparseHit, std::vector<SparseHit>, WorseFirst> top;
  for (const auto& run : runs_) {
    const size_t width = run->end_offset - run->first_offset;
    if (scratch.scores.size() < width) {
      scratch.scores.resize(width, 0.0f);
      scratch.touched_flags.resize(width, 0);
    }
    scratch.touched.clear();
    for (size_t q = 0; q < query.indices.size(); ++q) {
      auto [begin, end] = run->list(query.indices[q]);
      const float weight = query.values[q];
      for (const Posting* p = begin; p != end; ++p) {
        const uint32_t slot = p->offset - run->first_offset;
        if (!scratch.touched_flags[slot]) {
          scratch.touched_flags[slot] = 1;
          scratch.touched.push_back(slot);
        }
        scratch.scores[slot] += weight * p->weight;
      }
    }
    for (uint32_t slot : scratch.touched) {
      const SparseHit hit{run->first_offset + slot, scratch.scores[slot]};
      scratch.scores[slot] = 0.0f;
      scratch.touched_flags[slot] = 0;
      if (hit.score == 0.0f) continue;  // Qdrant's index search publishes non-zero scores only
      if (top.size() == limit && !WorseFirst()(hit, top.top())) continue;
      if (score_threshold && !(hit.score > *score_threshold)) continue;
      if (!accept(hit.offset)) continue;
      top.push(hit);
      if (top.size() > limit) top.pop();
    }
  }
  std::vector<SparseHit> out(top.size());
  for (size_t i = out.size(); i-- > 0;) {
    out[i] = top.top();
    top.pop();
  }
  return out;
}

size_t InvertedIndex::document_count(const Accept& accept) const {
  size_t count = 0;
  for (const auto& run : runs_)
    for (uint32_t offset : run->documents)
      if (accept(offset)) ++count;
  return count;
}

size_t InvertedIndex::document_frequency(uint32_t dim, const Accept& accept) const {
  size_t count = 0;
  for (const auto& run : runs_) {
    auto [begin, end] = run->list(dim);
    for (const Posting* p = begin; p != end; ++p)
      if (accept(p->offset)) ++count;
  }
  return count;
}

size_t InvertedIndex::posting_count() const {
  size_t count = 0;
  for (const auto& run : runs_) count += run->postings.size();
  return count;
}

float idf(size_t document_count, size_t document_frequency) {
  const float n = float(document_count), df = float(document_frequency);
  return std::log((n - df + 0.5f) / (df + 0.5f) + 1.0f);
}

}  // namespace sextant::index::sparse
