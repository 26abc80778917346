// Maps embed/'s typed results and errors onto the storage Result every wire expects.
#include "inference/document_inference.hpp"

#include <algorithm>
#include <cctype>

namespace sextant::inference {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

Result<storage::SparseVector> embed_bm25_document(const std::string& text,
                                                  const embed::Bm25Options& options,
                                                  bool for_query) {
  auto model = embed::Bm25Model::create(options);
  if (!model) return Error::bad_input(model.error().message);
  embed::SparseEmbedding embedding =
      for_query ? model->embed_query(text) : model->embed_document(text);
  storage::SparseVector vector;
  vector.indices = std::move(embedding.indices);
  vector.values = std::move(embedding.values);
  return vector;
}

Result<std::vector<float>> embed_document(embed::EmbedService& service, const std::string& model,
                                          const std::string& text) {
  if (!service.has_model(model)) {
    std::string known;
    for (const auto& name : service.model_names()) known += name + ", ";
    known += "qdrant/bm25";
    return Error::bad_request("Model " + model + " is not available. Available models: " + known);
  }
  auto batch = service.embed(model, {text});
  if (!batch) {
    if (batch.error().kind == ErrorKind::kUnavailable) {
      return Error::internal(batch.error().message);
    }
    return Error::bad_request(batch.error().message);
  }
  return std::move(batch->embeddings.front());
}

bool DocumentInference::is_sparse_model(const std::string& model) const {
  std::string name = lower(model);
  return name == "qdrant/bm25" || name == "bm25";
}

Result<std::vector<float>> DocumentInference::embed_dense(const std::string& model,
                                                          const std::string& text) {
  return embed_document(service_, model, text);
}

Result<storage::SparseVector> DocumentInference::embed_sparse(const std::string&,
                                                              const std::string& text,
                                                              const embed::Bm25Options& options) {
  return embed_bm25_document(text, options, false);
}

Result<storage::SparseVector> DocumentInference::embed_sparse_query(
    const std::string&, const std::string& text, const embed::Bm25Options& options) {
  return embed_bm25_document(text, options, true);
}

std::vector<std::string> DocumentInference::available_models() const {
  std::vector<std::string> names = service_.model_names();
  names.push_back("qdrant/bm25");
  return names;
}

}  // namespace sextant::inference
