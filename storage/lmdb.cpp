#include "storage/lmdb.hpp"

#include <filesystem>

namespace sextant::storage::lmdb {
namespace {

MDB_val to_val(Bytes b) { return MDB_val{b.size(), const_cast<uint8_t*>(b.data())}; }

}  // namespace

Error error_from_code(int rc, std::string_view what) {
  std::string message = std::string(what) + ": " + mdb_strerror(rc);
  if (rc == MDB_MAP_FULL || rc == ENOSPC) {
    return Error{ErrorKind::kInsufficientStorage, "Insufficient storage: " + message};
  }
  return Error::internal(message);
}

Result<std::unique_ptr<Env>> Env::open(const std::string& directory, const Options& options) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) return Error::internal("cannot create " + directory + ": " + ec.message());
  MDB_env* env = nullptr;
  int rc = mdb_env_create(&env);
  if (rc != 0) return error_from_code(rc, "mdb_env_create");
  mdb_env_set_mapsize(env, options.map_size_bytes);
  mdb_env_set_maxdbs(env, options.max_dbs);
  mdb_env_set_maxreaders(env, options.max_readers);
  rc = mdb_env_open(env, directory.c_str(), MDB_NOTLS | MDB_NORDAHEAD, 0644);
  if (rc != 0) {
    mdb_env_close(env);
    return error_from_code(rc, "cannot open LMDB environment at " + directory);
  }
  int dead = 0;
  mdb_reader_check(env, &dead);  // clear slots left by a killed process
  return std::unique_ptr<Env>(new Env(env));
}

Env::~Env() {
  if (env_) mdb_env_close(env_);
}

void Env::sync() { mdb_env_sync(env_, 1); }

Status Env::copy_to(const std::string& directory) const {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) return Error::internal("cannot create " + directory + ": " + ec.message());
  int rc = mdb_env_copy2(env_, directory.c_str(), MDB_CP_COMPACT);
  if (rc != 0) return error_from_code(rc, "mdb_env_copy2");
  return {};
}

Result<Txn> Txn::begin(const Env& env, Mode mode, Txn* parent) {
  MDB_txn* txn = nullptr;
  int rc = mdb_txn_begin(env.handle(), parent ? parent->txn_ : nullptr,
                         mode == Mode::kRead ? MDB_RDONLY : 0, &txn);
  if (rc != 0) return error_from_code(rc, "mdb_txn_begin");
  return Txn(txn);
}

Txn& Txn::operator=(Txn&& other) noexcept {
  if (this != &other) {
    abort();
    txn_ = other.txn_;
    other.txn_ = nullptr;
  }
  return *this;
}

Status Txn::commit() {
  if (!txn_) return Error::internal("commit of a finished transaction");
  int rc = mdb_txn_commit(txn_);
  txn_ = nullptr;
  if (rc != 0) return error_from_code(rc, "mdb_txn_commit");
  return {};
}

void Txn::abort() {
  if (txn_) mdb_txn_abort(txn_);
  txn_ = nullptr;
}

Result<MDB_dbi> Txn::open_db(const char* name, unsigned flags) {
  MDB_dbi dbi = 0;
  int rc = mdb_dbi_open(txn_, name, flags, &dbi);
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
  int rc = mdb_put(txn_, dbi, &k, &v, flags);
  if (rc != 0) return error_from_code(rc, "mdb_put");
  return {};
}

Result<uint8_t*> Txn::reserve(MDB_dbi dbi, Bytes key, size_t size) {
  MDB_val k = to_val(key), v{size, nullptr};
  int rc = mdb_put(txn_, dbi, &k, &v, MDB_RESERVE);
  if (rc != 0) return error_from_code(rc, "mdb_put(reserve)");
  return static_cast<uint8_t*>(v.mv_data);
}

Result<bool> Txn::del(MDB_dbi dbi, Bytes key) {
  MDB_val k = to_val(key);
  int rc = mdb_del(txn_, dbi, &k, nullptr);
  if (rc == MDB_NOTFOUND) return false;
  if (rc != 0) return error_from_code(rc, "mdb_del");
  return true;
}

Status Txn::drop(MDB_dbi dbi, bool delete_db) {
  int rc = mdb_drop(txn_, dbi, delete_db ? 1 : 0);
  if (rc != 0) return error_from_code(rc, "mdb_drop");
  return {};
}

Result<uint64_t> Txn::entries(MDB_dbi dbi) const {
  MDB_stat stat{};
  int rc = mdb_stat(txn_, dbi, &stat);
  if (rc != 0) return error_from_code(rc, "mdb_stat");
  return static_cast<uint64_t>(stat.ms_entries);
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
