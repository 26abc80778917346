// Streaming an uploaded snapshot to a scratch file; see snapshot_upload.hpp.
#include "api/parse/snapshot_upload.hpp"

#include <cerrno>
#include <filesystem>

#include "storage/disk_space.hpp"

namespace sextant::api {
namespace {

using storage::snapshot::ScratchDirectory;

constexpr size_t kWriteBufferBytes = 1 << 20;
constexpr const char* kUploadFileName = "upload.snapshot";

bool is_multipart(std::optional<std::string_view> content_type) {
  return content_type && content_type->find("multipart/") != std::string_view::npos;
}

}  // namespace

SnapshotUpload::SnapshotUpload(const std::string& snapshots_path,
                               std::optional<std::string_view> content_type,
                               std::optional<uint64_t> expected_bytes) {
  if (expected_bytes) {
    if (auto st = storage::require_free_space(snapshots_path, *expected_bytes,
                                              "storing the uploaded snapshot");
        !st.ok()) {
      fail(st.error());
      return;
    }
  }
  if (is_multipart(content_type)) {
    auto form = MultipartFieldExtractor::create(*content_type, "snapshot");
    if (!form.ok()) {
      fail(form.error());
      return;
    }
    form_.emplace(std::move(form.value()));
  }
  auto scratch = ScratchDirectory::create(snapshots_path);
  if (!scratch.ok()) {
    fail(scratch.error());
    return;
  }
  scratch_.emplace(std::move(scratch.value()));
  path_ = (std::filesystem::path(scratch_->path()) / kUploadFileName).string();
  file_ = std::fopen(path_.c_str(), "wbx");
  if (!file_) {
    fail(Error::internal("cannot store uploaded snapshot in " + path_));
    return;
  }
  std::setvbuf(file_, nullptr, _IOFBF, kWriteBufferBytes);
}

SnapshotUpload::~SnapshotUpload() {
  if (file_) std::fclose(file_);
  // scratch_ removes the file and its directory.
}

bool SnapshotUpload::receive(std::string_view piece) {
  if (error_ || finished_) return false;
  Status status = form_
                      ? form_->feed(piece, [this](std::string_view bytes) { return write(bytes); })
                      : write(piece);
  if (!status.ok()) fail(status.error());
  return status.ok();
}

void SnapshotUpload::finish() {
  if (error_ || finished_) return;
  finished_ = true;
  if (form_) {
    if (auto status = form_->finish(); !status.ok()) return fail(status.error());
  }
  bool flushed = std::fflush(file_) == 0;
  bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!flushed || !closed) {
    if (errno == ENOSPC || errno == EDQUOT)
      return fail(Error::no_space("cannot store uploaded snapshot in " + path_));
    return fail(Error::internal("cannot store uploaded snapshot"));
  }
  digest_ = hash_.hex_digest();
}

Result<StoredUpload> SnapshotUpload::result() const {
  if (error_) return *error_;
  if (!finished_) return Error::bad_request("Snapshot upload is incomplete");
  if (size_bytes_ == 0) return Error::bad_request("Uploaded snapshot is empty");
  return StoredUpload{path_, digest_, size_bytes_};
}

Status SnapshotUpload::keep_as_snapshot(const std::string& directory) {
  auto name = storage::snapshot::uploaded_snapshot_name(form_ ? form_->filename() : std::nullopt);
  if (!name || error_ || !finished_) return {};
  return storage::snapshot::keep_snapshot_file(path_, digest_, directory, *name);
}

Status SnapshotUpload::write(std::string_view bytes) {
  if (bytes.empty()) return {};
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    if (errno == ENOSPC || errno == EDQUOT)
      return Error::no_space("cannot store uploaded snapshot in " + path_);
    return Error::internal("cannot store uploaded snapshot: write failed");
  }
  hash_.consume(bytes.data(), bytes.size());
  size_bytes_ += bytes.size();
  return {};
}

void SnapshotUpload::fail(Error error) {
  if (!error_) error_ = std::move(error);
  if (file_) {
    std::fclose(file_);
    file_ = nullptr;
  }
  scratch_.reset();  // drop the partial file now rather than when the request ends
}

}  // namespace sextant::api
