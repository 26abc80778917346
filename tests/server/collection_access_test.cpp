// Route-level JWT checks for per-collection tokens, in Qdrant's order: global-only routes,
// then the collection's presence in the token, then "extras" (refused to "prw"), then writes.
#include "server/collection_access.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace sextant::server {
namespace {

api::Route route(api::HttpMethod method, std::string pattern, bool is_write = false) {
  api::Route made{method, std::move(pattern), [](api::Request&) { return api::Response{}; },
                  is_write};
  return made;
}

// The refusal text, or "" when the route is allowed.
std::string refusal(const api::Route& route, const std::string& collection,
                    const std::string& mode) {
  const std::string token = R"([{"collection": "books", "access": ")" + mode + R"("}])";
  auto denied = check_collection_access(route, {collection}, token, api::Clock::now());
  if (!denied) return "";
  EXPECT_EQ(denied->status, 403);
  return std::string(boost::json::parse(denied->body).at("status").at("error").as_string());
}

TEST(CollectionAccess, SnapshotRoutesNeedExtrasAndWritesNeedRw) {
  auto list = route(api::HttpMethod::kGet, "/collections/{collection_name}/snapshots");
  list.needs_collection_extras = true;
  auto create = route(api::HttpMethod::kPost, "/collections/{collection_name}/snapshots", true);
  create.needs_collection_extras = true;

  EXPECT_EQ(refusal(list, "books", "r"), "");
  EXPECT_EQ(refusal(list, "books", "rw"), "");
  EXPECT_EQ(refusal(list, "books", "prw"),
            "Forbidden: Only points access is allowed for collection books");
  EXPECT_EQ(refusal(list, "films", "rw"), "Forbidden: Access to collection films is required");

  EXPECT_EQ(refusal(create, "books", "r"),
            "Forbidden: Write access to collection books is required");
  EXPECT_EQ(refusal(create, "books", "rw"), "");
  EXPECT_EQ(refusal(create, "books", "prw"),
            "Forbidden: Only points access is allowed for collection books");

  // Points routes stay open to "prw".
  auto upsert = route(api::HttpMethod::kPut, "/collections/{collection_name}/points", true);
  EXPECT_EQ(refusal(upsert, "books", "prw"), "");
}

TEST(CollectionAccess, GlobalRoutesAreRefusedToEveryPerCollectionToken) {
  auto upload =
      route(api::HttpMethod::kPost, "/collections/{collection_name}/snapshots/upload", true);
  upload.needs_global_access = true;
  auto full_list = route(api::HttpMethod::kGet, "/snapshots");
  full_list.needs_global_access = true;
  for (const char* mode : {"r", "rw", "prw"}) {
    EXPECT_EQ(refusal(upload, "books", mode), "Forbidden: Global access is required") << mode;
    EXPECT_EQ(refusal(full_list, "", mode), "Forbidden: Global access is required") << mode;
  }
  // A global token is not this check's business (the dispatcher handles "r" vs "m").
  EXPECT_FALSE(check_collection_access(upload, {"books"}, R"("m")", api::Clock::now()));
}

}  // namespace
}  // namespace sextant::server
