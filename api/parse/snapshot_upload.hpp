// An uploaded snapshot on its way to disk. The server streams the request body into a
// SnapshotUpload as it arrives: a raw body is the snapshot itself; of a multipart/form-data
// body only the `snapshot` field is kept (parsed incrementally, snapshot_multipart.hpp). The
// bytes go to `upload.snapshot` in a fresh scratch directory under `<snapshots_path>/.tmp/`,
// with their sha256 computed on the way, so no upload is ever held in memory or hashed twice.
//
// Invariants: while it is received the file never carries a snapshot's name nor lies where
// snapshots are listed (`.tmp/` is skipped by listings and refused by name resolution), and it
// is removed with its directory when the SnapshotUpload dies, whatever went wrong: a bad form,
// a broken connection, a failed recovery. Only keep_as_snapshot() (after a successful
// recovery) moves it out. After the first error, further bytes are refused.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_types.hpp"
#include "api/parse/snapshot_multipart.hpp"
#include "storage/snapshot/snapshot_files.hpp"

namespace sextant::api {

struct StoredUpload {
  std::string path;    // the snapshot file, valid while the SnapshotUpload lives
  std::string sha256;  // lower-case hex
  uint64_t size_bytes = 0;
};

class SnapshotUpload : public BodyReceiver {
 public:
  // `content_type` is the request's Content-Type header, if any; `expected_bytes` its
  // Content-Length, if any: an upload the snapshots filesystem cannot hold is refused up front.
  SnapshotUpload(const std::string& snapshots_path, std::optional<std::string_view> content_type,
                 std::optional<uint64_t> expected_bytes = std::nullopt);
  ~SnapshotUpload() override;
  SnapshotUpload(const SnapshotUpload&) = delete;
  SnapshotUpload& operator=(const SnapshotUpload&) = delete;

  bool receive(std::string_view piece) override;
  void finish() override;

  // After finish(): the stored snapshot, or why the upload cannot be used.
  Result<StoredUpload> result() const;

  // As Qdrant keeps an uploaded snapshot among the collection's snapshots, under the file
  // name the form gave it (its last path component): moves the file into `directory` with
  // its checksum file. Does nothing for an upload without a usable file name (a raw body).
  Status keep_as_snapshot(const std::string& directory);

 private:
  Status write(std::string_view bytes);
  void fail(Error error);

  std::optional<storage::snapshot::ScratchDirectory> scratch_;
  std::optional<MultipartFieldExtractor> form_;  // set for multipart bodies
  std::FILE* file_ = nullptr;
  std::string path_;
  storage::snapshot::Sha256Sink hash_;
  uint64_t size_bytes_ = 0;
  bool finished_ = false;
  std::string digest_;
  std::optional<Error> error_;
};

}  // namespace sextant::api
