// ustar writing and strict extraction; see snapshot_tar.hpp for the rules.
#include "storage/snapshot/snapshot_tar.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <set>
#include <vector>

namespace sextant::storage::snapshot {
namespace {

constexpr size_t kBlockBytes = 512;
constexpr size_t kCopyChunkBytes = 1 << 20;
constexpr uint64_t kMaxOctalSize = 077777777777ull;  // 11 octal digits

using Block = std::array<char, kBlockBytes>;

std::string errno_text() { return std::strerror(errno); }

void put_octal(char* field, size_t width, uint64_t value) {
  // width includes the terminating NUL.
  for (size_t i = width - 1; i-- > 0;) {
    field[i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  field[width - 1] = '\0';
}

void put_size(char* field, uint64_t size_bytes) {
  if (size_bytes <= kMaxOctalSize) return put_octal(field, 12, size_bytes);
  std::memset(field, 0, 12);
  field[0] = static_cast<char>(0x80);
  for (int i = 11; i >= 4; --i) {
    field[i] = static_cast<char>(size_bytes & 0xff);
    size_bytes >>= 8;
  }
}

uint64_t header_checksum(const Block& block) {
  uint64_t sum = 0;
  for (size_t i = 0; i < kBlockBytes; ++i) {
    bool in_checksum_field = i >= 148 && i < 156;
    sum += in_checksum_field ? ' ' : static_cast<unsigned char>(block[i]);
  }
  return sum;
}

// Parses an octal (NUL/space terminated) or base-256 numeric field.
bool parse_number(const char* field, size_t width, uint64_t* value) {
  *value = 0;
  if (static_cast<unsigned char>(field[0]) == 0x80) {
    for (size_t i = 1; i < width; ++i) {
      if (*value >> 56) return false;
      *value = (*value << 8) | static_cast<unsigned char>(field[i]);
    }
    return true;
  }
  size_t i = 0;
  while (i < width && field[i] == ' ') ++i;
  bool any_digit = false;
  for (; i < width && field[i] >= '0' && field[i] <= '7'; ++i) {
    *value = (*value << 3) | static_cast<uint64_t>(field[i] - '0');
    any_digit = true;
  }
  for (; i < width; ++i)
    if (field[i] != ' ' && field[i] != '\0') return false;
  return any_digit;
}

std::string field_text(const char* field, size_t width) {
  return std::string(field, strnlen(field, width));
}

bool read_exact(int fd, char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::read(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool write_exact(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

struct FileCloser {
  int fd;
  ~FileCloser() {
    if (fd >= 0) ::close(fd);
  }
};

Error archive_error(const std::string& detail) {
  return Error::bad_request("Invalid snapshot archive: " + detail);
}

// Copies `size_bytes` from `in` to the new file `destination`, fsyncing it.
Status copy_member(int in, uint64_t size_bytes, const std::string& destination) {
  int out = ::open(destination.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0640);
  if (out < 0) return Error::internal("cannot create " + destination + ": " + errno_text());
  FileCloser closer{out};
  std::vector<char> buffer(kCopyChunkBytes);
  while (size_bytes > 0) {
    size_t chunk = static_cast<size_t>(std::min<uint64_t>(size_bytes, buffer.size()));
    if (!read_exact(in, buffer.data(), chunk)) return archive_error("member data is truncated");
    if (!write_exact(out, buffer.data(), chunk))
      return Error::internal("cannot write " + destination + ": " + errno_text());
    size_bytes -= chunk;
  }
  if (::fsync(out) != 0) return Error::internal("cannot sync " + destination + ": " + errno_text());
  return {};
}

}  // namespace

Result<std::unique_ptr<TarWriter>> TarWriter::create(const std::string& archive_path,
                                                     ByteSink* observer) {
  int fd =
      ::open(archive_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
  if (fd < 0)
    return Error::internal("cannot create snapshot file " + archive_path + ": " + errno_text());
  return std::unique_ptr<TarWriter>(new TarWriter(fd, observer));
}

TarWriter::~TarWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Status TarWriter::write_all(const char* data, size_t size) {
  if (!write_exact(fd_, data, size))
    return Error::internal("cannot write snapshot archive: " + errno_text());
  if (observer_) observer_->consume(data, size);
  return {};
}

Status TarWriter::write_header(const std::string& member_name, uint64_t size_bytes) {
  if (member_name.empty() || member_name.size() >= 100)
    return Error::internal("snapshot member name too long: " + member_name);
  Block block{};
  std::memcpy(block.data(), member_name.data(), member_name.size());
  put_octal(block.data() + 100, 8, 0640);
  put_octal(block.data() + 108, 8, 0);
  put_octal(block.data() + 116, 8, 0);
  put_size(block.data() + 124, size_bytes);
  put_octal(block.data() + 136, 12, static_cast<uint64_t>(std::time(nullptr)));
  block[156] = '0';
  std::memcpy(block.data() + 257, "ustar", 6);
  std::memcpy(block.data() + 263, "00", 2);
  put_octal(block.data() + 148, 7, header_checksum(block));
  block[155] = ' ';
  return write_all(block.data(), block.size());
}

Status TarWriter::pad_to_block(uint64_t size_bytes) {
  size_t remainder = static_cast<size_t>(size_bytes % kBlockBytes);
  if (remainder == 0) return {};
  Block zeros{};
  return write_all(zeros.data(), kBlockBytes - remainder);
}

Status TarWriter::add_bytes(const std::string& member_name, const std::string& content) {
  if (auto st = write_header(member_name, content.size()); !st.ok()) return st;
  if (auto st = write_all(content.data(), content.size()); !st.ok()) return st;
  return pad_to_block(content.size());
}

Status TarWriter::add_file(const std::string& member_name, const std::string& source_path) {
  int in = ::open(source_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return Error::internal("cannot open " + source_path + ": " + errno_text());
  FileCloser closer{in};
  struct stat info {};
  if (::fstat(in, &info) != 0)
    return Error::internal("cannot stat " + source_path + ": " + errno_text());
  const uint64_t size_bytes = static_cast<uint64_t>(info.st_size);
  if (auto st = write_header(member_name, size_bytes); !st.ok()) return st;
  std::vector<char> buffer(kCopyChunkBytes);
  uint64_t left = size_bytes;
  while (left > 0) {
    size_t chunk = static_cast<size_t>(std::min<uint64_t>(left, buffer.size()));
    if (!read_exact(in, buffer.data(), chunk))
      return Error::internal("cannot read " + source_path + " (changed while copied?)");
    if (auto st = write_all(buffer.data(), chunk); !st.ok()) return st;
    left -= chunk;
  }
  return pad_to_block(size_bytes);
}

Status TarWriter::finish() {
  Block zeros{};
  for (int i = 0; i < 2; ++i)
    if (auto st = write_all(zeros.data(), zeros.size()); !st.ok()) return st;
  int fd = fd_;
  fd_ = -1;
  bool synced = ::fsync(fd) == 0;
  bool closed = ::close(fd) == 0;
  if (!synced || !closed) return Error::internal("cannot finish snapshot archive: " + errno_text());
  return {};
}

Status extract_members(const std::string& archive_path, const MemberDestinations& destinations,
                       UnlistedMembers unlisted) {
  int in = ::open(archive_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return Error::internal("cannot open " + archive_path + ": " + errno_text());
  FileCloser closer{in};
  struct stat info {};
  if (::fstat(in, &info) != 0 || !S_ISREG(info.st_mode)) return archive_error("not a regular file");
  const uint64_t archive_bytes = static_cast<uint64_t>(info.st_size);

  std::set<std::string> extracted;
  uint64_t offset = 0;
  Block block{};
  bool ended = false;
  while (!ended) {
    if (offset + kBlockBytes > archive_bytes) return archive_error("missing end-of-archive marker");
    if (!read_exact(in, block.data(), kBlockBytes)) return archive_error("cannot read header");
    offset += kBlockBytes;
    bool all_zero = true;
    for (char c : block) all_zero = all_zero && c == '\0';
    if (all_zero) {
      ended = true;
      break;
    }
    uint64_t stored_checksum = 0;
    if (!parse_number(block.data() + 148, 8, &stored_checksum) ||
        stored_checksum != header_checksum(block))
      return archive_error("header checksum mismatch");
    std::string name = field_text(block.data(), 100);
    const bool is_ustar = std::memcmp(block.data() + 257, "ustar", 5) == 0;
    if (is_ustar) {
      std::string prefix = field_text(block.data() + 345, 155);
      if (!prefix.empty()) name = prefix + "/" + name;
    }
    if (name.rfind("./", 0) == 0) name = name.substr(2);
    const char type = block[156];
    if (type != '0' && type != '\0')
      return archive_error("entry `" + name + "` is not a regular file");
    uint64_t size_bytes = 0;
    if (!parse_number(block.data() + 124, 12, &size_bytes))
      return archive_error("entry `" + name + "` has an invalid size");
    const uint64_t padded = (size_bytes + kBlockBytes - 1) / kBlockBytes * kBlockBytes;
    if (padded < size_bytes || offset + padded > archive_bytes)
      return archive_error("entry `" + name + "` is truncated");
    auto destination = destinations.find(name);
    if (destination == destinations.end()) {
      if (unlisted == UnlistedMembers::kRefuse)
        return archive_error("unexpected entry `" + name + "`");
    } else {
      if (!extracted.insert(name).second) return archive_error("duplicate entry `" + name + "`");
      if (auto st = copy_member(in, size_bytes, destination->second); !st.ok()) return st;
    }
    if (::lseek(in, static_cast<off_t>(offset + padded), SEEK_SET) < 0)
      return archive_error("cannot seek");
    offset += padded;
  }
  for (const auto& [name, unused] : destinations)
    if (!extracted.count(name)) return archive_error("missing entry `" + name + "`");
  return {};
}

}  // namespace sextant::storage::snapshot
