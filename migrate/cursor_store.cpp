// CursorStore: the state file, read once and rewritten atomically after every batch.
#include "migrate/cursor_store.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace sextant::migrate {

namespace json = boost::json;

Result<std::unique_ptr<CursorStore>> CursorStore::open(const std::string& path,
                                                       const std::string& source_url,
                                                       const std::string& target_url) {
  std::unique_ptr<CursorStore> store(new CursorStore());
  store->path_ = path;
  std::ifstream file(path);
  if (file) {
    std::stringstream text;
    text << file.rdbuf();
    boost::system::error_code ec;
    json::value loaded = json::parse(text.str(), ec);
    if (ec || !loaded.is_object() || !loaded.as_object().contains("collections")) {
      return Error::corrupted("state file " + path + " is not a migration state");
    }
    json::object& object = loaded.as_object();
    auto same = [&](const char* key, const std::string& url) {
      auto* member = object.if_contains(key);
      return member && member->is_string() && member->as_string() == url;
    };
    if (!same("source", source_url) || !same("target", target_url)) {
      return local_error("state file " + path +
                         " belongs to a migration between other servers; remove it or "
                         "choose another with --state");
    }
    store->state_ = std::move(object);
    store->resumed_ = true;
  } else {
    store->state_ = {{"version", 1},
                     {"source", source_url},
                     {"target", target_url},
                     {"collections", json::object()}};
  }
  return store;
}

CollectionCursor CursorStore::get(const std::string& collection) const {
  std::lock_guard lock(mutex_);
  CollectionCursor cursor;
  auto* entry = state_.at("collections").as_object().if_contains(collection);
  if (!entry || !entry->is_object()) return cursor;
  const json::object& object = entry->as_object();
  cursor.recorded = true;
  if (auto* v = object.if_contains("created"); v && v->is_bool()) cursor.created = v->as_bool();
  if (auto* v = object.if_contains("next_offset")) cursor.next_offset = *v;
  if (auto* v = object.if_contains("done"); v && v->is_bool()) cursor.done = v->as_bool();
  if (auto* v = object.if_contains("points_copied"); v && v->is_number()) {
    cursor.points_copied = v->to_number<uint64_t>();
  }
  return cursor;
}

Status CursorStore::put(const std::string& collection, const CollectionCursor& cursor) {
  std::lock_guard lock(mutex_);
  state_["collections"].as_object()[collection] = {{"created", cursor.created},
                                                   {"next_offset", cursor.next_offset},
                                                   {"done", cursor.done},
                                                   {"points_copied", cursor.points_copied}};
  return save_locked();
}

Status CursorStore::save_locked() const {
  std::string temporary = path_ + ".tmp";
  std::FILE* file = std::fopen(temporary.c_str(), "w");
  if (!file) return local_error("cannot write state file " + temporary);
  std::string text = json::serialize(state_);
  bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  written = std::fflush(file) == 0 && written;
  written = fsync(fileno(file)) == 0 && written;
  written = std::fclose(file) == 0 && written;
  if (!written || std::rename(temporary.c_str(), path_.c_str()) != 0) {
    return local_error("cannot write state file " + path_);
  }
  return {};
}

}  // namespace sextant::migrate
