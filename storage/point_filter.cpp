#include "storage/point_filter.hpp"

#include "index/filter/evaluator.hpp"

namespace sextant::storage {
namespace {

class ReaderVectorPresence final : public index::filter::VectorPresence {
 public:
  ReaderVectorPresence(const PointReader& reader, uint32_t offset)
      : reader_(reader), offset_(offset) {}
  bool has_vector(std::string_view vector_name) const override {
    return reader_.has_vector_named(vector_name, offset_);
  }

 private:
  const PointReader& reader_;
  uint32_t offset_;
};

}  // namespace

bool point_matches(const index::filter::Filter& filter, const PointReader& reader,
                   uint32_t offset) {
  ReaderVectorPresence vectors(reader, offset);
  index::filter::PointView point;
  point.vectors = &vectors;
  auto meta = reader.meta(offset);
  if (!meta) return false;
  point.id = PointId::from_key(meta->id_key);
  std::optional<boost::json::object> payload;
  if (index::filter::filter_reads_payload(filter)) {
    payload = reader.payload(offset);
    if (!payload) return false;
    point.payload = &*payload;
  }
  return index::filter::evaluate(filter, point, reader.state().indexed_checks);
}

}  // namespace sextant::storage
