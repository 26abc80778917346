// Queue discipline and request completion. A Request is allocated by embed_async() and owned by
// its queue items from then on: each worker records its items' vectors under the request's
// mutex, and the one that records the last item (or the destructor failing the last queued one)
// invokes the callback and deletes the request, so it cannot be destroyed while a worker still
// writes to it.
#include "embed/embed_service.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <future>

#include "embed/blas_gemm.hpp"
#include "embed/fork_join.hpp"
#include "embed/model_config.hpp"
#include "embed/safetensors_file.hpp"

namespace sextant::embed {
namespace {

// Below this many sentences a batch's products lose more to short matrices than a second
// worker's share would gain.
constexpr size_t kMinShareSentences = 8;

}  // namespace

struct EmbedService::Request {
  const SentenceModel* model = nullptr;
  bool normalize = true;
  std::vector<std::vector<int32_t>> sequences;
  EmbeddingBatch result;  // dimension and token_count set at submission, embeddings by workers
  EmbedCallback done;
  std::mutex mutex;
  size_t remaining = 0;
  bool failed = false;
};

EmbedService::EmbedService(EmbedServiceOptions options) : options_(options) {
  int threads = options_.worker_threads;
  if (threads <= 0) threads = std::max(1u, std::thread::hardware_concurrency());
  options_.max_batch_sentences = std::max(1, options_.max_batch_sentences);
  // One batch per worker thread; BLAS must not start threads of its own inside a batch.
  set_blas_threads(1);
  workers_wanted_ = threads;
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

EmbedService::~EmbedService() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_ready_.notify_all();
  for (auto& worker : workers_) worker.join();
  // Whatever is still queued belongs to callers waiting for an answer: fail it.
  for (const Item& item : queue_) {
    bool last = false;
    {
      std::lock_guard lock(item.request->mutex);
      item.request->failed = true;
      last = --item.request->remaining == 0;
    }
    if (last) complete(std::unique_ptr<Request>(item.request));
  }
}

void EmbedService::add_model(const std::string& name, std::shared_ptr<const SentenceModel> model) {
  auto added = std::make_shared<ModelEntry>();
  added->directory = model->directory();
  added->precision = model->precision();
  added->config = model->config();
  added->model = std::move(model);
  std::lock_guard lock(models_mutex_);
  if (models_.count(name) == 0) model_order_.push_back(name);
  models_[name] = std::move(added);
}

Result<bool> EmbedService::load_model(const std::string& name, const std::string& model_dir,
                                      Precision precision) {
  auto config = load_model_config(model_dir);
  if (!config) {
    return Error{config.error().kind,
                 "embedding model " + name + " failed to load: " + config.error().message};
  }
  // The weights file's header is checked now (a mapping of it, released at once), so a missing
  // or damaged file is still refused at registration; the tensors are read on first use.
  const std::string weights_path =
      (std::filesystem::path(model_dir) / "model.safetensors").string();
  if (auto weights = SafetensorsFile::open(weights_path); !weights) {
    return Error{weights.error().kind,
                 "embedding model " + name + " failed to load: " + weights.error().message};
  }
  auto registered = std::make_shared<ModelEntry>();
  registered->directory = model_dir;
  registered->precision = precision;
  registered->config = *config;
  std::lock_guard lock(models_mutex_);
  if (models_.count(name) == 0) model_order_.push_back(name);
  models_[name] = std::move(registered);
  return true;
}

std::shared_ptr<EmbedService::ModelEntry> EmbedService::entry(const std::string& name) const {
  std::lock_guard lock(models_mutex_);
  auto it = models_.find(name);
  return it == models_.end() ? nullptr : it->second;
}

bool EmbedService::has_model(const std::string& name) const {
  std::lock_guard lock(models_mutex_);
  return models_.count(name) != 0;
}

std::vector<std::string> EmbedService::model_names() const {
  std::lock_guard lock(models_mutex_);
  return model_order_;
}

std::optional<ModelConfig> EmbedService::model_config(const std::string& name) const {
  auto found = entry(name);
  if (!found) return std::nullopt;
  return found->config;
}

std::shared_ptr<const SentenceModel> EmbedService::model(const std::string& name) const {
  auto found = entry(name);
  if (!found) return nullptr;
  std::lock_guard lock(models_mutex_);
  return found->model;
}

Result<std::shared_ptr<const SentenceModel>> EmbedService::model_for_use(const std::string& name) {
  auto found = entry(name);
  if (!found) return Error::not_found("embedding model " + name + " is not registered");
  if (auto loaded = model(name)) return loaded;
  // The first user loads; the others wait here and find it loaded.
  std::lock_guard load_lock(found->load_mutex);
  {
    std::lock_guard lock(models_mutex_);
    if (found->model) return found->model;
  }
  auto loaded = SentenceModel::load(found->directory, DenseProducts::kAuto, found->precision);
  if (!loaded) {
    return Error{loaded.error().kind,
                 "embedding model " + name + " failed to load: " + loaded.error().message};
  }
  std::lock_guard lock(models_mutex_);
  found->model = *loaded;
  return found->model;
}

std::string EmbedService::default_model_name() const {
  std::lock_guard lock(models_mutex_);
  return model_order_.empty() ? std::string() : model_order_.front();
}

Result<EmbeddingBatch> EmbedService::embed(const std::string& model_name,
                                           const std::vector<std::string>& texts,
                                           const EmbedOptions& options) {
  std::promise<Result<EmbeddingBatch>> answer;
  std::future<Result<EmbeddingBatch>> future = answer.get_future();
  embed_async(model_name, texts, options,
              [&answer](Result<EmbeddingBatch> result) { answer.set_value(std::move(result)); });
  return future.get();
}

void EmbedService::embed_async(const std::string& model_name, const std::vector<std::string>& texts,
                               const EmbedOptions& options, EmbedCallback done) {
  if (!has_model(model_name)) {
    std::string known;
    for (const auto& name : model_names()) known += (known.empty() ? "" : ", ") + name;
    return done(Error{ErrorKind::kBadInput, "Model " + model_name +
                                                " is not available. Available models: " +
                                                (known.empty() ? std::string("none") : known)});
  }
  auto loaded = model_for_use(model_name);
  if (!loaded) return done(loaded.error());
  std::shared_ptr<const SentenceModel> model = std::move(*loaded);
  auto request = std::make_unique<Request>();
  request->result.dimension = model->dimension();
  if (texts.empty()) return done(std::move(request->result));

  request->model = model.get();
  request->normalize = options.normalize;
  request->sequences.reserve(texts.size());
  const int max_length = model->max_seq_length();
  for (const auto& text : texts) {
    bool truncated = false;
    request->sequences.push_back(model->tokenizer().encode(text, max_length, &truncated));
    if (truncated && !options.truncate) {
      return done(
          Error{ErrorKind::kBadInput, "Input validation error: `inputs` must have less than " +
                                          std::to_string(max_length) + " tokens"});
    }
    request->result.token_count += request->sequences.back().size();
  }
  request->result.embeddings.resize(texts.size());
  request->remaining = texts.size();
  request->done = std::move(done);
  {
    std::unique_lock lock(queue_mutex_);
    if (stopping_) {
      lock.unlock();
      return request->done(Error::unavailable("embedding service stopped"));
    }
    // From here the workers own the request; the last one to finish an item completes it.
    Request* queued = request.release();
    for (size_t i = 0; i < texts.size(); ++i) queue_.push_back({queued, i});
  }
  queue_ready_.notify_all();
}

std::vector<EmbedService::Item> EmbedService::take_batch(std::unique_lock<std::mutex>& lock) {
  const size_t max_sentences = static_cast<size_t>(options_.max_batch_sentences);
  // Under load, give concurrent requests a moment to join this batch.
  if (queue_.size() < max_sentences && busy_workers_ > 0 && options_.batch_window.count() > 0) {
    queue_ready_.wait_for(lock, options_.batch_window,
                          [&] { return stopping_ || queue_.size() >= max_sentences; });
  }
  std::vector<Item> batch;
  if (queue_.empty() || stopping_) return batch;
  // Shares are handed out a chunk at a time (about half a worker's fair part, never fewer than
  // kMinShareSentences), so a worker the OS keeps waiting leaves its unclaimed chunks to the
  // others instead of holding half of a caller's batch.
  const size_t chunks = 2 * workers_.size();
  const size_t chunk = (queue_.size() + chunks - 1) / chunks;
  const size_t limit = std::min(max_sentences, std::max(kMinShareSentences, chunk));
  const SentenceModel* model = queue_.front().request->model;
  size_t tokens = 0;
  for (auto it = queue_.begin(); it != queue_.end() && batch.size() < limit;) {
    if (it->request->model != model) {
      ++it;
      continue;
    }
    size_t length = it->request->sequences[it->index].size();
    if (!batch.empty() && tokens + length > static_cast<size_t>(options_.max_batch_tokens)) break;
    tokens += length;
    batch.push_back(*it);
    it = queue_.erase(it);
  }
  return batch;
}

void EmbedService::run_batch(const std::vector<Item>& batch, EncoderWorkspace& workspace) {
  const SentenceModel* model = batch.front().request->model;
  const size_t dimension = static_cast<size_t>(model->dimension());
  std::vector<std::span<const int32_t>> sequences;
  sequences.reserve(batch.size());
  for (const Item& item : batch) sequences.emplace_back(item.request->sequences[item.index]);
  std::vector<float> output(batch.size() * dimension);
  // Pooled vectors come out unnormalised; each request applies its own normalize option.
  model->encode_batch(sequences, workspace, output.data(), false);
  for (size_t row = 0; row < batch.size(); ++row) {
    Request& request = *batch[row].request;
    std::vector<float> vector(output.begin() + row * dimension,
                              output.begin() + (row + 1) * dimension);
    if (request.normalize && model->config().normalize) {
      double squares = 0;
      for (float value : vector) squares += double(value) * value;
      float inverse = 1.0f / std::max(static_cast<float>(std::sqrt(squares)), 1e-12f);
      for (float& value : vector) value *= inverse;
    }
    bool last = false;
    {
      std::lock_guard lock(request.mutex);
      request.result.embeddings[batch[row].index] = std::move(vector);
      last = --request.remaining == 0;
    }
    if (last) complete(std::unique_ptr<Request>(&request));
  }
}

void EmbedService::complete(std::unique_ptr<Request> request) {
  if (request->failed) {
    request->done(Error::unavailable("embedding service stopped"));
  } else {
    request->done(std::move(request->result));
  }
}

void EmbedService::worker_loop() {
  EncoderWorkspace workspace;
  // Lends this worker a second core for a short batch while the other workers are idle.
  std::unique_ptr<ForkJoin> fork_join;
  if (workers_wanted_ > 1) fork_join = std::make_unique<ForkJoin>();
  std::unique_lock lock(queue_mutex_);
  while (true) {
    queue_ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    std::vector<Item> batch = take_batch(lock);
    if (batch.empty()) continue;
    const bool alone = busy_workers_ == 0 && queue_.empty();
    workspace.fork_join = alone ? fork_join.get() : nullptr;
    ++busy_workers_;
    lock.unlock();
    run_batch(batch, workspace);
    lock.lock();
    --busy_workers_;
  }
}

}  // namespace sextant::embed
