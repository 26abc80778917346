#!/usr/bin/env python3
"""Reference token ids and embeddings for Sextant's embedding tests.

Runs Hugging Face `tokenizers` and sentence-transformers (PyTorch, CPU) on a corpus that
exercises the BERT tokenizer's edge cases (accents, CJK, emoji, punctuation, control characters,
long words, literal special tokens, texts longer than the 256-token limit) and writes
tests/embed/fixtures/minilm_reference.json, which the C++ tests compare against without needing
PyTorch.

Usage: .venv/bin/python bench/embed/make_reference.py [model_dir] [output_json]
(install bench/embed/requirements.txt first; model_dir defaults to models/all-MiniLM-L6-v2).
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]

LONG_PARAGRAPH = (
    "Vector databases store high-dimensional embeddings and answer nearest-neighbour queries. "
    "An HNSW graph links each point to its closest neighbours on several layers, so a search "
    "descends from a sparse top layer to the dense bottom one, visiting few points. "
) * 8

CORPUS = [
    "",
    "Hello world!",
    "The quick brown fox jumps over the lazy dog.",
    "What is the capital of France?",
    "Qdrant is a vector similarity search engine.",
    "Café, naïve façade, résumé, coöperate, jalapeño, Ångström, Øresund, São Paulo.",
    "Crème brûlée à la carte — déjà vu!",
    "ÀÉÎÕÜ àéîõü ÇçÑñ",
    "Straße, Maß, İstanbul, ǅemal, ΣΊΣΥΦΟΣ, Ὀδυσσεύς",
    "北京是中国的首都。",
    "東京タワーは日本の有名な観光地です。",
    "서울은 대한민국의 수도입니다.",
    "Mixed 中文 and English 混合 text 𠀀𪚥.",
    "I love pizza 🍕🍕 and coffee ☕! 👍🏽 👨‍👩‍👧 🇫🇷",
    "Emoji only: 😀😃😄😁😆😅🤣😂",
    "Punctuation!!! ??? ... --- ((nested)) [brackets] {braces} <tags> @user #hash $100 %50 ^caret",
    "Quotes: “smart” ‘single’ «guillemets» „German“ and ellipsis… and dash – — ‐",
    "Math: x² + y² = z², ∑∞ ≤ ≥ ≠ ± × ÷ √ π ∫ 1/2 ½ ¾",
    "URL https://example.com/path?query=1&x=y#frag and email someone@example.org",
    "Numbers 3.14159, 1,000,000 and 2026-11-23T20:30:00Z",
    "Tabs\tand\nnewlines\r\nand  multiple   spaces",
    "Control\u0000chars\u0007and\u200bzero\u200dwidth\ufeff\ufffdreplacement",
    "Non-breaking\u00a0space and\u3000ideographic\u2003em space",
    "Antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
    "Supercalifragilisticexpialidocious" * 4,
    "a" * 101 + " short",
    "Literal special tokens [CLS] and [SEP] and [MASK] inside text [UNK][PAD]",
    "lowercase [cls] is not special",
    "Ünïcödé Çömbïnïng: e\u0301 a\u0308 o\u0302 n\u0303 and precomposed é ä ô ñ",
    "Arabic: مرحبا بالعالم. Hebrew: שלום עולם. Hindi: नमस्ते दुनिया",
    "Russian: Привет, мир! Greek: Γειά σου Κόσμε. Thai: สวัสดีชาวโลก",
    "C++ code: std::vector<int> v{1, 2, 3}; for (auto& x : v) x *= 2;",
    "ALL CAPS SENTENCE WITH SHOUTING",
    "   leading and trailing whitespace   ",
    "Sentence embeddings map text to dense vectors for semantic search.",
    "How do I reset my password?",
    LONG_PARAGRAPH,
    ("Tokens " + "über-long-compound-words, ") * 60,
]


def main() -> None:
    model_dir = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "models/all-MiniLM-L6-v2"
    output = (pathlib.Path(sys.argv[2]) if len(sys.argv) > 2
              else ROOT / "tests/embed/fixtures/minilm_reference.json")

    import torch
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer

    torch.set_num_threads(2)
    model = SentenceTransformer(str(model_dir), device="cpu")
    max_length = model.max_seq_length

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length)
    token_ids = [tokenizer.encode(text).ids for text in CORPUS]

    # The ids sentence-transformers itself feeds the model must be the same ones.
    features = model.tokenize(CORPUS)
    for row, ids in enumerate(token_ids):
        mask = features["attention_mask"][row].tolist()
        st_ids = features["input_ids"][row].tolist()[: sum(mask)]
        assert st_ids == ids, f"tokenizers and sentence-transformers disagree on row {row}"

    embeddings = model.encode(CORPUS, batch_size=8, convert_to_numpy=True,
                              normalize_embeddings=False)
    cases = []
    for text, ids, vector in zip(CORPUS, token_ids, embeddings):
        cases.append({
            "text": text,
            "token_ids": ids,
            "embedding": [float(f"{value:.8g}") for value in vector.tolist()],
        })
    document = {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "max_seq_length": max_length,
        "dimension": int(embeddings.shape[1]),
        "generated_with": {
            "sentence_transformers": __import__("sentence_transformers").__version__,
            "tokenizers": __import__("tokenizers").__version__,
            "torch": torch.__version__,
        },
        "cases": cases,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    longest = max(len(ids) for ids in token_ids)
    print(f"wrote {len(cases)} cases to {output} (longest {longest} tokens)")


if __name__ == "__main__":
    main()
