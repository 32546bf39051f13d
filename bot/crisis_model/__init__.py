"""The learned stage's weights, shipped with the package, and detectors that use them.

Loading reads one small file from the installed package (no network, nothing downloaded); the
domain (`bot.domain.crisis`) stays pure and receives the loaded model.

    detector = crisis_detector(guild_phrases)          # once per guild, cached by the caller
    detection = await scan_off_loop(detector, message.content)
"""

from __future__ import annotations

import asyncio
import gzip
import json
from array import array
from functools import cache
from importlib import resources

from bot.domain.crisis import CrisisDetector, Detection, GuildPhrases
from bot.domain.crisis.learned import LearnedModel

MODEL_FILE = "model.json.gz"


@cache
def learned_model() -> LearnedModel:
    """The shipped model, read once per process (a few MB in memory)."""
    raw = resources.files(__package__).joinpath(MODEL_FILE).read_bytes()
    data = json.loads(gzip.decompress(raw))
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
