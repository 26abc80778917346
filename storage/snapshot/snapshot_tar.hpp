// A small ustar reader and writer for snapshot archives. Snapshots hold only regular files
// (a manifest and LMDB data files), so this deliberately supports nothing else: no links, no
// directories, no pax/GNU extension headers on read.
//
// Writer: members are streamed from files on disk (never held in memory); sizes above the
// 8 GiB octal limit use the base-256 size encoding GNU tar and libarchive read.
// Reader: extract_members() copies only members whose names are listed in `destinations`,
// each to the file named there; any other entry (link, directory, device, extension header,
// truncated data, bad header checksum, and by default an unlisted name) fails the whole
// extraction, so an archive can never place a file anywhere the caller did not choose.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "common/status.hpp"

namespace sextant::storage::snapshot {

// Receives every byte written to the archive (e.g. to hash it while it is written).
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void consume(const char* data, size_t size) = 0;
};

class TarWriter {
 public:
  // Creates (truncates) `archive_path`. `observer` may be null; it must outlive the writer.
  static Result<std::unique_ptr<TarWriter>> create(const std::string& archive_path,
                                                   ByteSink* observer);
  ~TarWriter();

  Status add_bytes(const std::string& member_name, const std::string& content);
  Status add_file(const std::string& member_name, const std::string& source_path);
  // Writes the end-of-archive blocks, flushes and fsyncs. The writer is unusable afterwards.
  Status finish();

 private:
  TarWriter(int fd, ByteSink* observer) : fd_(fd), observer_(observer) {}
  Status write_header(const std::string& member_name, uint64_t size_bytes);
  Status write_all(const char* data, size_t size);
  Status pad_to_block(uint64_t size_bytes);

  int fd_ = -1;
  ByteSink* observer_ = nullptr;
};

// member name -> destination file path.
using MemberDestinations = std::map<std::string, std::string>;

// Whether a regular-file member missing from the destinations is an error or passed over
// (to read a full-storage snapshot's manifest before knowing the other members' names).
enum class UnlistedMembers { kRefuse, kSkip };

// Extracts the listed members of `archive_path`. Every listed member must be present exactly
// once. Returns an error naming the first problem found.
Status extract_members(const std::string& archive_path, const MemberDestinations& destinations,
                       UnlistedMembers unlisted = UnlistedMembers::kRefuse);

}  // namespace sextant::storage::snapshot
