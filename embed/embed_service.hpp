// The embedding service: the named dense models, loaded once and shared, and a pool of encoder
// threads that batch concurrent requests.
//
// Batching: every text of every request becomes one queue item. A free worker takes the items
// at the head of the queue that use the same model, up to max_batch_sentences and
// max_batch_tokens, in chunks of about a quarter of the queue per worker pair (at least 8
// sentences): 32 queued texts and two workers give four batches of 8, claimed as each worker
// gets free, so a worker the OS delays does not hold half of a caller's texts. When other workers
// are busy (the service is under load), a worker waits up to batch_window for more items before
// starting a short batch. Batches are packed (see bert_encoder.hpp), so mixing lengths costs no
// padding. A worker that takes a short batch while no other worker is busy and nothing else is
// queued splits it over two cores (its own ForkJoin helper), so one sentence alone is encoded by
// both.
//
// Thread safety: every public method may be called from any thread. embed() blocks the caller
// until its texts are encoded; embed_async() does not (the HTTP routes use it, so a request
// waiting for the encoder holds no API worker). Models are added before serving starts (add_model
// is still thread-safe, but a request naming a model not yet added fails). The destructor stops the
// workers and fails queued requests with kUnavailable.
//
// Loading on first use: load_model() reads only the model's config.json and the weight file's
// header, and registers the directory; the tokenizer and weights (~95 MB resident for MiniLM in
// float32, ~50 MB in int8) are loaded by the first embed()/embed_async() that names the model, on
// its calling thread. Concurrent first users wait for that one load (a per-model mutex); a failed
// load is reported to each request that needed it, with the message load_model() gave when it
// loaded eagerly, and is tried again by the next request.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/status.hpp"
#include "embed/sentence_model.hpp"

namespace sextant::embed {

struct EmbedServiceOptions {
  int worker_threads = 0;  // 0: one per core
  int max_batch_sentences = 32;
  int max_batch_tokens = 8192;
  std::chrono::microseconds batch_window{300};
};

struct EmbedOptions {
  bool normalize = true;  // apply the model's L2 normalisation
  bool truncate = true;   // false: a text over max_seq_length tokens is an error
};

struct EmbeddingBatch {
  int dimension = 0;
  std::vector<std::vector<float>> embeddings;  // one per input text, in input order
  uint64_t token_count = 0;                    // tokens fed to the model, [CLS]/[SEP] included
};

class EmbedService {
 public:
  explicit EmbedService(EmbedServiceOptions options = {});
  ~EmbedService();
  EmbedService(const EmbedService&) = delete;
  EmbedService& operator=(const EmbedService&) = delete;

  // Registers `model` under the name clients use (e.g. "sentence-transformers/all-MiniLM-L6-v2").
  void add_model(const std::string& name, std::shared_ptr<const SentenceModel> model);
  // Registers a model directory under `name`, to be loaded on first use; fails (naming the model)
  // when its config.json cannot be read.
  Result<bool> load_model(const std::string& name, const std::string& model_dir,
                          Precision precision = Precision::kFloat32);

  bool has_model(const std::string& name) const;
  std::vector<std::string> model_names() const;
  // The registered model's configuration (dimension, max_seq_length), without loading it.
  std::optional<ModelConfig> model_config(const std::string& name) const;
  // The model if it has been loaded (or was added loaded), else nullptr; never loads.
  std::shared_ptr<const SentenceModel> model(const std::string& name) const;
  // The model, loading it first if it has not been used yet (see the file comment).
  Result<std::shared_ptr<const SentenceModel>> model_for_use(const std::string& name);
  // The name of the first registered model, the default for requests that name none.
  std::string default_model_name() const;

  // Blocks the calling thread until its texts are encoded.
  Result<EmbeddingBatch> embed(const std::string& model_name, const std::vector<std::string>& texts,
                               const EmbedOptions& options = {});
  // Queues the texts and returns at once; `done` is called exactly once with the result, on an
  // encoder thread (or on the calling thread, before embed_async returns, for an error found
  // while tokenizing). A callback must be short (it delays the next batch) and must not call
  // back into this service synchronously.
  using EmbedCallback = std::function<void(Result<EmbeddingBatch>)>;
  void embed_async(const std::string& model_name, const std::vector<std::string>& texts,
                   const EmbedOptions& options, EmbedCallback done);

  int worker_threads() const { return static_cast<int>(workers_.size()); }

 private:
  struct Request;  // one embed_async() call in flight (embed_service.cpp)
  struct Item {
    Request* request;
    size_t index;
  };
  // Called by whichever thread finished the request's last item (so exactly once): invokes its
  // callback and ends the request.
  static void complete(std::unique_ptr<Request> request);
  void worker_loop();
  std::vector<Item> take_batch(std::unique_lock<std::mutex>& lock);
  void run_batch(const std::vector<Item>& batch, EncoderWorkspace& workspace);

  EmbedServiceOptions options_;
  // One registered model: loaded (model set) or waiting for its first use (directory set).
  struct ModelEntry {
    std::string directory;
    Precision precision = Precision::kFloat32;
    ModelConfig config;
    std::mutex load_mutex;                       // held while the model loads
    std::shared_ptr<const SentenceModel> model;  // guarded by models_mutex_
  };
  std::shared_ptr<ModelEntry> entry(const std::string& name) const;

  mutable std::mutex models_mutex_;
  std::map<std::string, std::shared_ptr<ModelEntry>> models_;
  std::vector<std::string> model_order_;

  std::mutex queue_mutex_;
  std::condition_variable queue_ready_;
  std::deque<Item> queue_;
  int busy_workers_ = 0;
  int workers_wanted_ = 0;  // set before the workers start
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace sextant::embed
