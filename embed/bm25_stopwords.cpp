// Built-in stopword data for BM25: the English list Qdrant uses (NLTK's English stopwords).
#include "embed/bm25_tokenizer.hpp"

namespace sextant::embed {

const std::vector<std::string>& builtin_stopwords(std::string_view language) {
  static const std::vector<std::string> kEnglish = {
      "i",         "me",        "my",         "myself",  "we",      "our",     "ours",
      "ourselves", "you",       "you're",     "you've",  "you'll",  "you'd",   "your",
      "yours",     "yourself",  "yourselves", "he",      "him",     "his",     "himself",
      "she",       "she's",     "her",        "hers",    "herself", "it",      "it's",
      "its",       "itself",    "they",       "them",    "their",   "theirs",  "themselves",
      "what",      "which",     "who",        "whom",    "this",    "that",    "that'll",
      "these",     "those",     "am",         "is",      "are",     "was",     "were",
      "be",        "been",      "being",      "have",    "has",     "had",     "having",
      "do",        "does",      "did",        "doing",   "a",       "an",      "the",
      "and",       "but",       "if",         "or",      "because", "as",      "until",
      "while",     "of",        "at",         "by",      "for",     "with",    "about",
      "against",   "between",   "into",       "through", "during",  "before",  "after",
      "above",     "below",     "to",         "from",    "up",      "down",    "in",
      "out",       "on",        "off",        "over",    "under",   "again",   "further",
      "then",      "once",      "here",       "there",   "when",    "where",   "why",
      "how",       "all",       "any",        "both",    "each",    "few",     "more",
      "most",      "other",     "some",       "such",    "no",      "nor",     "not",
      "only",      "own",       "same",       "so",      "than",    "too",     "very",
      "s",         "t",         "can",        "will",    "just",    "don",     "don't",
      "should",    "should've", "now",        "d",       "ll",      "m",       "o",
      "re",        "ve",        "y",          "ain",     "aren",    "aren't",  "couldn",
      "couldn't",  "didn",      "didn't",     "doesn",   "doesn't", "hadn",    "hadn't",
      "hasn",      "hasn't",    "haven",      "haven't", "isn",     "isn't",   "ma",
      "mightn",    "mightn't",  "mustn",      "mustn't", "needn",   "needn't", "shan",
      "shan't",    "shouldn",   "shouldn't",  "wasn",    "wasn't",  "weren",   "weren't",
      "won",       "won't",     "wouldn",     "wouldn't"};
  static const std::vector<std::string> kNone;
  if (language == "english" || language == "en") return kEnglish;
  return kNone;
}

std::optional<std::string> snowball_algorithm_for(std::string_view language) {
  struct Entry {
    const char* name;
    const char* alias;
    const char* algorithm;
  };
  static const Entry kLanguages[] = {
      {"arabic", "ar", "arabic"},         {"armenian", "hy", "armenian"},
      {"danish", "da", "danish"},         {"dutch", "nl", "dutch"},
      {"english", "en", "english"},       {"finnish", "fi", "finnish"},
      {"french", "fr", "french"},         {"german", "de", "german"},
      {"greek", "el", "greek"},           {"hungarian", "hu", "hungarian"},
      {"italian", "it", "italian"},       {"norwegian", "no", "norwegian"},
      {"portuguese", "pt", "portuguese"}, {"romanian", "ro", "romanian"},
      {"russian", "ru", "russian"},       {"spanish", "es", "spanish"},
      {"swedish", "sv", "swedish"},       {"tamil", "ta", "tamil"},
      {"turkish", "tr", "turkish"},
  };
  for (const auto& entry : kLanguages) {
    if (language == entry.name || language == entry.alias) return std::string(entry.algorithm);
  }
  return std::nullopt;
}

}  // namespace sextant::embed
