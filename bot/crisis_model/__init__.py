"""The learned stage's weights, shipped with the package, and detectors that use them.

Loading reads files from installed packages only (no network, nothing downloaded): this package's
`model.json.gz` (the n-gram model, the embedding network and the blend, all trained by
`tools/train_crisis_model.py`) and, from the `wordllama` wheel (MIT), its tokenizer and its 256-d
static token vectors. The domain (`bot.domain.crisis`) stays pure and receives the loaded model.

    detector = crisis_detector(guild_phrases)          # once per guild, cached by the caller
    detection = await scan_off_loop(detector, message.content)
"""

from __future__ import annotations

import asyncio
import gzip
import json
from array import array
from functools import cache
from importlib import resources, util
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

from bot.domain.crisis import CrisisDetector, Detection, GuildPhrases
from bot.domain.crisis.embedded import BlendedModel, EmbeddingNetwork
from bot.domain.crisis.learned import LearnedModel

MODEL_FILE = "model.json.gz"
# Inside the installed `wordllama` wheel; read directly, since its loader looks online first.
WORDLLAMA_VECTORS = ("weights", "l2_supercat_256.safetensors")
WORDLLAMA_TOKENIZER = ("tokenizers", "l2_supercat_tokenizer_config.json")
EMBEDDING_ARRAYS = ("hidden_weights", "hidden_bias", "output_weights", "output_bias")


def _model_data() -> dict:
    raw = resources.files(__package__).joinpath(MODEL_FILE).read_bytes()
    return json.loads(gzip.decompress(raw))


def _wordllama_dir() -> Path:
    spec = util.find_spec("wordllama")  # finds the package without running its __init__
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the wordllama package (a dependency) is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


@cache
def token_vectors() -> tuple[Tokenizer, np.ndarray]:
    """WordLlama's tokenizer and its token vectors (32,000 x 256, float16: 16 MB)."""
    root = _wordllama_dir()
    tokenizer = Tokenizer.from_file(str(root.joinpath(*WORDLLAMA_TOKENIZER)))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    vectors = load_file(str(root.joinpath(*WORDLLAMA_VECTORS)))["embedding.weight"]
    return tokenizer, vectors


def token_ids(tokenizer: Tokenizer, text: str) -> list[int]:
    return tokenizer.encode(text, add_special_tokens=False).ids


@cache
def learned_model() -> BlendedModel:
    """The shipped learned stage, read once per process (some 30 MB in memory)."""
    data = _model_data()
    ngrams = ngram_model(data)
    network = EmbeddingNetwork(
        *(np.array(data["embedding"][key], dtype=np.float32) for key in EMBEDDING_ARRAYS)
    )
    tokenizer, vectors = token_vectors()
    return BlendedModel(
        ngrams,
        lambda text: token_ids(tokenizer, text),
        vectors,
        network,
        blend=data["blend"],
        threshold=data["threshold"],
        silenced_threshold=data["silenced_threshold"],
        rule_veto=data.get("rule_veto", 0.0),
    )


def ngram_model(data: dict | None = None) -> LearnedModel:
    """The n-gram half of the shipped model on its own (its thresholds are the blend's)."""
    data = data if data is not None else _model_data()
    chars = data["char_features"]
    return LearnedModel(
        data["classes"],
        data["bias"],
        {feature: position for position, feature in enumerate(chars)},
        {feature: position + len(chars) for position, feature in enumerate(data["word_features"])},
        array("d", data["idf"]),
        array("d", data["weights"]),
        threshold=data["threshold"],
        silenced_threshold=data["silenced_threshold"],
    )


def crisis_detector(guild_phrases: GuildPhrases | None = None) -> CrisisDetector:
    """Rules (with the guild's own phrases) followed by the learned stage."""
    return CrisisDetector(guild_phrases, learned=learned_model())


async def scan_off_loop(detector: CrisisDetector, text: str) -> Detection | None:
    """Scan in a worker thread, so even a long message never holds up the event loop."""
    return await asyncio.to_thread(detector.scan, text)
