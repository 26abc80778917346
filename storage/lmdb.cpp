#include "storage/lmdb.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <shared_mutex>

#include "storage/disk_space.hpp"

namespace sextant::storage::lmdb {
namespace {

MDB_val to_val(Bytes b) { return MDB_val{b.size(), const_cast<uint8_t*>(b.data())}; }

// LMDB sizes lock.mdb to its reader table, (max_readers - 1) * sizeof(MDB_reader) plus
// sizeof(MDB_txninfo) (64-byte slots, a 192-byte header), with ftruncate - a sparse file - and
// then writes into it through a shared map: on a full filesystem that write raises SIGBUS. The
// file is given real blocks first (a larger file only lets LMDB keep more reader slots), so the
// map is backed and a full disk is an error here instead.
Status preallocate_lock_file(const std::string& directory, unsigned max_readers) {
  const std::string path = (std::filesystem::path(directory) / "lock.mdb").string();
  const off_t size = off_t(max_readers) * 64 + 192;
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return error_from_code(errno, "cannot open " + path);
  int rc = posix_fallocate(fd, 0, size);
  ::close(fd);
  if (rc == EOPNOTSUPP || rc == EINVAL) return {};  // no fallocate: LMDB's own sizing applies
  if (rc != 0) return error_from_code(rc, "cannot allocate " + path);
  return {};
}

}  // namespace

Error error_from_code(int rc, std::string_view what) {
  if (rc == ENOSPC) return Error::no_space(std::string(what));
  if (rc == EDQUOT) return Error::no_space(std::string(what) + ": " + mdb_strerror(rc));
  if (rc == MDB_MAP_FULL)
    return Error::no_space(std::string(what) +
                           ": the environment's map size is reached (MDB_MAP_FULL)");
  return Error::internal(std::string(what) + ": " + mdb_strerror(rc));
}

Error error_from_code(int rc, std::string_view what, const std::string& directory) {
  // LMDB reports a short write (the filesystem filled mid-write) as EIO; a full filesystem
  // under the environment tells the two apart.
  if (rc == EIO && filesystem_full(directory)) return Error::no_space(std::string(what));
  return error_from_code(rc, what);
}

namespace {

// Creates and opens the MDB_env of `directory` with a map of at least `map_size_bytes`.
Result<MDB_env*> open_handle(const std::string& directory, const Env::Options& options,
                             uint64_t map_size_bytes) {
  MDB_env* env = nullptr;
  int rc = mdb_env_create(&env);
  if (rc != 0) return error_from_code(rc, "mdb_env_create");
  // A file grown past half its map (a map-full write) opens with a map twice its size.
  uint64_t map_size = map_size_bytes;
  std::error_code ec;
  const uint64_t file_size =
      std::filesystem::file_size(std::filesystem::path(directory) / "data.mdb", ec);
  if (!ec) map_size = std::max(map_size, file_size * 2);
  mdb_env_set_mapsize(env, map_size);
  mdb_env_set_maxdbs(env, options.max_dbs);
  mdb_env_set_maxreaders(env, options.max_readers);
  rc = mdb_env_open(env, directory.c_str(), MDB_NOTLS | MDB_NORDAHEAD, 0644);
  if (rc != 0) {
    mdb_env_close(env);
    return error_from_code(rc, "cannot open LMDB environment at " + directory, directory);
  }
  int dead = 0;
  mdb_reader_check(env, &dead);  // clear slots left by a killed process
  return env;
}

}  // namespace

Result<std::unique_ptr<Env>> Env::open(const std::string& directory, const Options& options) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) return Error::internal("cannot create " + directory + ": " + ec.message());
  if (auto st = preallocate_lock_file(directory, options.max_readers); !st.ok()) return st.error();
  auto env = open_handle(directory, options, options.map_size_bytes);
  if (!env.ok()) return env.error();
  return std::unique_ptr<Env>(new Env(env.value(), directory, options));
}

Env::~Env() {
  if (env_) mdb_env_close(env_);
}

void Env::sync() {
  std::shared_lock lock(handle_mutex_);
  if (env_) mdb_env_sync(env_, 1);
}

Env::Usage Env::usage() const {
  std::shared_lock lock(handle_mutex_);
  if (!env_) return {};
  MDB_envinfo info{};
  MDB_stat stat{};
  mdb_env_info(env_, &info);
  mdb_env_stat(env_, &stat);
  return {uint64_t(info.me_mapsize), (uint64_t(info.me_last_pgno) + 1) * stat.ms_psize};
}

Status Env::grow_map() {
  std::unique_lock lock(handle_mutex_);
  if (!env_) return Error::internal("LMDB environment at " + directory_ + " is closed");
  MDB_envinfo info{};
  mdb_env_info(env_, &info);
  int rc = mdb_env_set_mapsize(env_, uint64_t(info.me_mapsize) * 2);
  if (rc != 0) return error_from_code(rc, "mdb_env_set_mapsize");
  return {};
}

Status Env::reopen() {
  {
    std::unique_lock lock(handle_mutex_);
    uint64_t map_size = options_.map_size_bytes;
    if (env_) {
      MDB_envinfo info{};
      mdb_env_info(env_, &info);
      map_size = std::max<uint64_t>(map_size, info.me_mapsize);
      mdb_env_close(env_);
      env_ = nullptr;
    }
    auto env = open_handle(directory_, options_, map_size);
    if (!env.ok()) return env.error();
    env_ = env.value();
  }
  return reopen_databases();
}

Status Env::reopen_databases() {
  std::lock_guard lock(databases_mutex_);
  if (databases_.empty()) return {};
  MDB_txn* txn = nullptr;
  int rc = mdb_txn_begin(env_, nullptr, 0, &txn);
  if (rc != 0) return error_from_code(rc, "mdb_txn_begin", directory_);
  for (const NamedDatabase& db : databases_) {
    MDB_dbi dbi = 0;
    rc = mdb_dbi_open(txn, db.name.c_str(), db.flags, &dbi);
    if (rc == 0 && dbi != db.dbi) {
      mdb_txn_abort(txn);
      return Error::internal("database " + db.name + " of " + directory_ +
                             " changed its handle on reopen");
    }
    if (rc != 0) {
      mdb_txn_abort(txn);
      return error_from_code(rc, "mdb_dbi_open " + db.name, directory_);
    }
  }
  rc = mdb_txn_commit(txn);
  if (rc != 0) return error_from_code(rc, "mdb_txn_commit", directory_);
  return {};
}

void Env::note_database(const char* name, unsigned flags, MDB_dbi dbi) const {
  if (!name) return;
  std::lock_guard lock(databases_mutex_);
  for (const NamedDatabase& db : databases_)
    if (db.dbi == dbi) return;
  databases_.push_back({name, flags, dbi});
}

bool Env::unusable() const {
  std::shared_lock lock(handle_mutex_);
  if (!env_) return true;
  MDB_txn* txn = nullptr;
  const int rc = mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn);
  if (rc == 0) mdb_txn_abort(txn);
  return rc == MDB_PANIC;
}

Status Env::copy_to(const std::string& directory) const {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) return Error::internal("cannot create " + directory + ": " + ec.message());
  gate_.enter();  // mdb_env_copy2 runs its own read transaction
  int rc;
  {
    std::shared_lock lock(handle_mutex_);
    rc = env_ ? mdb_env_copy2(env_, directory.c_str(), MDB_CP_COMPACT) : MDB_PANIC;
  }
  gate_.leave();
  if (rc != 0) return error_from_code(rc, "mdb_env_copy2", directory);
  return {};
}

int Txn::noted(int rc) const {
  if (rc == MDB_MAP_FULL && env_) env_->note_map_full();
  return rc;
}

Result<Txn> Txn::begin(const Env& env, Mode mode, Txn* parent) {
  // A child transaction lives inside its parent, which already passed the gate.
  const bool counted = parent == nullptr;
  if (counted) env.gate().enter();
  MDB_txn* txn = nullptr;
  int rc;
  {
    std::shared_lock lock(env.handle_mutex_);
    rc = env.env_ ? mdb_txn_begin(env.env_, parent ? parent->txn_ : nullptr,
                                  mode == Mode::kRead ? MDB_RDONLY : 0, &txn)
                  : MDB_PANIC;
  }
  if (rc != 0) {
    if (counted) env.gate().leave();
    if (rc == MDB_MAP_FULL) env.note_map_full();
    return error_from_code(rc, "mdb_txn_begin");
  }
  return Txn(txn, &env, counted);
}

Txn& Txn::operator=(Txn&& other) noexcept {
  if (this != &other) {
    abort();
    txn_ = other.txn_;
    env_ = other.env_;
    counted_ = other.counted_;
    other.txn_ = nullptr;
    other.counted_ = false;
  }
  return *this;
}

Status Txn::commit() {
  if (!txn_) return Error::internal("commit of a finished transaction");
  int rc = noted(mdb_txn_commit(txn_));
  txn_ = nullptr;
  if (counted_) env_->gate().leave();
  counted_ = false;
  if (rc != 0) return error_from_code(rc, "mdb_txn_commit", env_->directory());
  return {};
}

void Txn::abort() {
  if (txn_) mdb_txn_abort(txn_);
  txn_ = nullptr;
  if (counted_) env_->gate().leave();
  counted_ = false;
}

Result<MDB_dbi> Txn::open_db(const char* name, unsigned flags) {
  MDB_dbi dbi = 0;
  int rc = noted(mdb_dbi_open(txn_, name, flags, &dbi));
  if (rc == 0 && env_) env_->note_database(name, flags, dbi);
  if (rc != 0) return error_from_code(rc, std::string("mdb_dbi_open ") + (name ? name : ""));
  return dbi;
}

Result<std::optional<Bytes>> Txn::get(MDB_dbi dbi, Bytes key) const {
  MDB_val k = to_val(key), v{};
  int rc = mdb_get(txn_, dbi, &k, &v);
  if (rc == MDB_NOTFOUND) return std::optional<Bytes>();
  if (rc != 0) return error_from_code(rc, "mdb_get");
  return std::optional<Bytes>(Bytes(static_cast<const uint8_t*>(v.mv_data), v.mv_size));
}

Status Txn::put(MDB_dbi dbi, Bytes key, Bytes value, unsigned flags) {
  MDB_val k = to_val(key), v = to_val(value);
  int rc = noted(mdb_put(txn_, dbi, &k, &v, flags));
  if (rc != 0) return error_from_code(rc, "mdb_put");
  return {};
}

Result<uint8_t*> Txn::reserve(MDB_dbi dbi, Bytes key, size_t size) {
  MDB_val k = to_val(key), v{size, nullptr};
  int rc = noted(mdb_put(txn_, dbi, &k, &v, MDB_RESERVE));
  if (rc != 0) return error_from_code(rc, "mdb_put(reserve)");
  return static_cast<uint8_t*>(v.mv_data);
}

Result<bool> Txn::del(MDB_dbi dbi, Bytes key) {
  MDB_val k = to_val(key);
  int rc = noted(mdb_del(txn_, dbi, &k, nullptr));
  if (rc == MDB_NOTFOUND) return false;
  if (rc != 0) return error_from_code(rc, "mdb_del");
  return true;
}

Status Txn::drop(MDB_dbi dbi, bool delete_db) {
  int rc = noted(mdb_drop(txn_, dbi, delete_db ? 1 : 0));
  if (rc != 0) return error_from_code(rc, "mdb_drop");
  return {};
}

Result<uint64_t> Txn::entries(MDB_dbi dbi) const {
  MDB_stat stat{};
  int rc = mdb_stat(txn_, dbi, &stat);
  if (rc != 0) return error_from_code(rc, "mdb_stat");
  return static_cast<uint64_t>(stat.ms_entries);
}

Result<uint64_t> Txn::stored_bytes(MDB_dbi dbi) const {
  MDB_stat stat{};
  int rc = mdb_stat(txn_, dbi, &stat);
  if (rc != 0) return error_from_code(rc, "mdb_stat");
  const uint64_t pages = uint64_t(stat.ms_branch_pages) + uint64_t(stat.ms_leaf_pages) +
                         uint64_t(stat.ms_overflow_pages);
  return pages * uint64_t(stat.ms_psize);
}

Result<Cursor> Cursor::open(const Txn& txn, MDB_dbi dbi) {
  MDB_cursor* cursor = nullptr;
  int rc = mdb_cursor_open(txn.handle(), dbi, &cursor);
  if (rc != 0) return error_from_code(rc, "mdb_cursor_open");
  return Cursor(cursor);
}

Cursor::~Cursor() {
  if (cursor_) mdb_cursor_close(cursor_);
}

bool Cursor::seek(Bytes key) {
  if (key.empty()) {
    last_rc_ = mdb_cursor_get(cursor_, &key_, &value_, MDB_FIRST);
  } else {
    key_ = to_val(key);
    last_rc_ = mdb_cursor_get(cursor_, &key_, &value_, MDB_SET_RANGE);
  }
  valid_ = last_rc_ == 0;
  return valid_;
}

bool Cursor::next() {
  last_rc_ = mdb_cursor_get(cursor_, &key_, &value_, MDB_NEXT);
  valid_ = last_rc_ == 0;
  return valid_;
}

Status Cursor::status() const {
  if (last_rc_ == 0 || last_rc_ == MDB_NOTFOUND) return {};
  return error_from_code(last_rc_, "mdb_cursor_get");
}

}  // namespace sextant::storage::lmdb
