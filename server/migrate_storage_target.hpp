// The target of `sextant migrate --to-storage PATH`: a Sextant storage directory opened in this
// process, written through the server's own request pipeline (Api routes behind a Dispatcher,
// as a session hands them requests), so the directory ends up as a server given the same
// requests would have left it: the same collection creation, payload indexes, aliases and
// batched upserts (wait=true), the same catalog and LMDB layout.
//
// Opening takes the storage's lock (storage/storage.hpp: `.lock`, flock), so a directory a
// running server holds is refused, and no server can open it while the migration runs.
// The storage is flushed and closed when the target and every transport it made are gone.
#pragma once

#include <memory>
#include <string>

#include "api/api.hpp"
#include "common/status.hpp"
#include "migrate/transport.hpp"

namespace sextant::server {

// `api_config` is what a server would open the directory with (its storage_path names it);
// no authentication applies in-process. Fails when the storage cannot be opened (held by
// another process, not Sextant's).
Result<std::shared_ptr<migrate::LocalTarget>> open_migrate_storage_target(
    const api::ApiConfig& api_config);

}  // namespace sextant::server
