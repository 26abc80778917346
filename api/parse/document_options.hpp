// The REST wire's half of Document inference: a Qdrant `Document`'s JSON `options` -> the
// typed options inference/ takes, with Qdrant's error texts ("Wrong input: Invalid BM25 config:
// ..."). Only sparse (BM25) models have options; a dense model's options are ignored.
#pragma once

#include <boost/json/object.hpp>

#include "common/status.hpp"
#include "embed/bm25_model.hpp"

namespace sextant::api {

// Bm25Config from a Document's options (k, b, avg_len, tokenizer, language, lowercase,
// ascii_folding, stopwords, stemmer, min_token_len, max_token_len). Other keys are ignored, as
// Qdrant's flattened Bm25Config does; values out of range are left for the model to refuse.
Result<embed::Bm25Options> parse_bm25_options(const boost::json::object& options);

}  // namespace sextant::api
