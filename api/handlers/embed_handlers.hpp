// HTTP routes of the embedding API, served by the main server and by the standalone sidecar
// (`sextant embed --host --port`):
//   POST /embed           {"text": s} -> {"embedding": [..], "model": m, "dim": d}
//                         {"texts": [s..]} -> {"embeddings": [[..]..], "model": m, "dim": d}
//                         text-embeddings-inference form {"inputs": s|[s..], "normalize": b,
//                         "truncate": b} -> [[..]..]
//   POST /v1/embeddings   OpenAI form {"input"|"inputs": s|[s..], "model": m,
//                         "encoding_format": "float"|"base64"} -> {"object": "list", "data": [...],
//                         "model": m, "usage": {"prompt_tokens": n, "total_tokens": n}}
//   GET /health, GET /info  (sidecar only, as text-embeddings-inference serves them)
// These are not Qdrant endpoints, so they answer in the shapes of the services they replace,
// not in Qdrant's envelope. Over HTTP a request is parsed on the I/O thread and queued on the
// EmbedService (Route::async_handler); the encoder thread that finishes it writes the answer, so
// no API worker waits for the encoder. The synchronous handler blocks on the service instead.
//
// Ownership: the service must outlive the Router the routes are added to.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "api/router.hpp"
#include "embed/embed_service.hpp"

namespace sextant::api {

void register_embed_routes(Router& router, embed::EmbedService& service);
// The embed routes plus /health and /info, for the sidecar process.
void register_embed_sidecar_routes(Router& router, embed::EmbedService& service);

// Loads each configured model (a directory in the Hugging Face layout, a hub cache folder, or a
// repository id looked up under `hub_cache_roots`) into `service`. Returns "" on success, or an
// error naming the model. With `skip_missing`, models whose files are absent are left out and
// listed in *skipped instead (used for the default model, which an install may not have).
std::string load_embedding_models(embed::EmbedService& service,
                                  const std::map<std::string, std::string>& models,
                                  const std::vector<std::string>& hub_cache_roots,
                                  bool skip_missing, std::vector<std::string>* skipped,
                                  embed::Precision precision = embed::Precision::kFloat32);

// `sextant embed` (the standalone sidecar): its command-line options.
struct EmbedSidecarOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8000;  // where the FastAPI services it replaces usually listen
  std::map<std::string, std::string>
      models;              // empty: the default model (default_embedding_model.hpp)
  int worker_threads = 0;  // encoder threads; 0: one per core
  bool int8 = true;        // --precision int8 (the default) or float32
};

// Parses `--host H --port P [--model NAME=DIR]... [--workers N] [--precision float32|int8]`
// (also `--flag=value`).
// Returns "" on success, else an error naming the bad argument.
std::string parse_embed_sidecar_args(const std::vector<std::string>& args,
                                     EmbedSidecarOptions* options);

}  // namespace sextant::api
