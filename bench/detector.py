"""Crisis detector throughput and latency: the whole pipeline (phrase rules, then the learned
stage: n-grams, and the embedding network when it can change the verdict; then severity) on one
core over a realistic mix of chat.

The mix is mostly ordinary recovery-community chat generated from templates (check-ins, meetings,
games, daily life, idioms that look alarming but are not), a share of messages from the labelled
evaluation sets (crisis and hard negatives; both v2 splits and the first-generation set, texts
only), and a share of long messages (1,000-4,000 characters, as Discord allows). One process, one
thread.
Goals (issue 11): at least 5,000 messages/s, p99 latency per message under 20 ms; the longest
message's scan is reported too (it must stay under 20 ms so scanning never holds the event loop).

    taskset -c 0 python bench/detector.py          # 100,000 messages, 5% labelled, 1% long
    python bench/detector.py --messages 200000 --eval-share 0.05 --long-share 0.02
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.crisis_model import crisis_detector, learned_model  # noqa: E402
from bot.domain.crisis.detector import automaton_size  # noqa: E402

EVAL_FILES = (
    REPO / "tests" / "data" / "crisis_eval.jsonl",
    REPO / "tests" / "data" / "crisis_eval_v2_dev.jsonl",
    REPO / "tests" / "data" / "crisis_eval_v2_test.jsonl",
)
LONGEST = 4000  # Discord's limit for a message (with Nitro)

NAMES = ["sam", "alex", "jo", "maria", "dev", "kim", "lee", "priya", "tom", "ana", "chris", "mo"]
TIMES = ["tonight", "tomorrow", "this morning", "later", "at 7", "on sunday", "after work"]
THINGS = ["coffee", "the meeting", "my sponsor", "work", "the gym", "my kids", "the weather",
          "step 4", "the big book", "my therapist", "dinner", "the new job", "my dog"]  # fmt: skip
FEELINGS = ["good", "tired", "grateful", "anxious", "ok", "hopeful", "proud", "meh", "calm",
            "stressed", "happy", "a bit low", "restless", "better than yesterday"]  # fmt: skip
GAMES = ["elden ring", "minecraft", "valorant", "stardew", "fortnite", "zelda", "apex"]
EMOJI = ["", "", "", " 🙂", " 💪", " ❤️", " 😂", " 🙏", " 🎉", " lol", " haha", "!!"]
TEMPLATES = [
    "good morning everyone{e}",
    "day {n} today{e}",
    "{n} days clean and feeling {f}{e}",
    "anyone going to the meeting {t}?",
    "just got back from {x}, feeling {f}",
    "thanks {name}, that really helped{e}",
    "how is everyone doing {t}?",
    "checking in: feeling {f} today",
    "had a rough day with {x} but I didn't use{e}",
    "called my sponsor instead of drinking{e}",
    "cravings were bad this afternoon but they passed",
    "who's up for {g} {t}?",
    "I died like {n} times in {g} lol",
    "that boss fight in {g} is killing me{e}",
    "my feet are killing me after that shift",
    "dying to see you all at the meetup{e}",
    "killing it at {n} days{e}",
    "I could murder a pizza right now",
    "this heat is going to kill me",
    "{name} you're doing great, keep coming back{e}",
    "happy {n} months {name}!!{e}",
    "going to bed, night all{e}",
    "does anyone have tips for sleeping in early recovery?",
    "my therapist said something about {x} that stuck with me",
    "grateful for this group{e}",
    "I miss my mum so much it hurts",
    "free narcan kits at the front desk {t}",
    "reading the big book chapter {n} {t}",
    "@{name} are you coming {t}?",
    "lmaooo {name} that's so true",
    "brb getting {x}",
    "can't believe it's been a year since I quit{e}",
    "the speaker {t} was amazing, {n} years sober",
    "honestly just feeling {f} and wanted to share",
    "I hit myself with the door lol",
    "rewatching Kill Bill {t}",
]  # fmt: skip


def ordinary(rng: random.Random) -> str:
    return rng.choice(TEMPLATES).format(
        e=rng.choice(EMOJI),
        n=rng.randint(1, 400),
        f=rng.choice(FEELINGS),
        t=rng.choice(TIMES),
        x=rng.choice(THINGS),
        g=rng.choice(GAMES),
        name=rng.choice(NAMES),
    )


def long_message(rng: random.Random) -> str:
    target = rng.randint(1000, LONGEST)
    parts: list[str] = []
    while sum(len(part) + 2 for part in parts) < target:
        parts.append(ordinary(rng))
    return ". ".join(parts)[:target]


def build_mix(count: int, eval_share: float, long_share: float, seed: int) -> list[str]:
    rng = random.Random(seed)
    labelled = [
        json.loads(line)["text"]
        for path in EVAL_FILES
        for line in path.read_text("utf-8").splitlines()
        if line
    ]
    mix = []
    for _ in range(count):
        roll = rng.random()
        if roll < eval_share:
            mix.append(rng.choice(labelled))
        elif roll < eval_share + long_share:
            mix.append(long_message(rng))
        else:
            mix.append(ordinary(rng))
    return mix


def percentile(sorted_values: list[int], share: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(share * len(sorted_values)))] / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--eval-share", type=float, default=0.05)
    parser.add_argument("--long-share", type=float, default=0.01)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()

    started = time.perf_counter()
    model = learned_model()
    scan = crisis_detector().scan
    build = time.perf_counter() - started
    embedded = 0
    embedding_probabilities = model.embedding_probabilities

    def counted(text: str):
        nonlocal embedded
        embedded += 1
        return embedding_probabilities(text)

    model.embedding_probabilities = counted  # type: ignore[method-assign]
    messages = build_mix(args.messages, args.eval_share, args.long_share, args.seed)

    rates = []
    cpu_rates = []
    latencies: list[int] = []
    hits = learned = 0
    clock = time.perf_counter_ns
    for _ in range(args.rounds):
        latencies = []
        hits = learned = embedded = 0
        started = time.perf_counter()
        cpu_started = time.process_time()
        for message in messages:
            begin = clock()
            detection = scan(message)
            latencies.append(clock() - begin)
            if detection is not None:
                hits += 1
                learned += detection.rule.startswith("learned.")
        rates.append(len(messages) / (time.perf_counter() - started))
        cpu_rates.append(len(messages) / (time.process_time() - cpu_started))
    latencies.sort()
    worst_text = "x " * (LONGEST // 2)
    longest = [clock() for _ in range(1)]
    for text in (worst_text, long_message(random.Random(1)).ljust(LONGEST, "a")):
        begin = clock()
        scan(text)
        longest.append(clock() - begin)
    print(
        f"python {platform.python_version()} · phrase automaton {automaton_size()} states · "
        f"learned stage {len(model.ngrams.idf):,} n-gram features and an embedding network, "
        f"blend {model.blend} · all loaded in {build * 1000:.0f} ms"
    )
    print(
        f"{len(messages):,} messages ({args.eval_share:.0%} labelled, {args.long_share:.0%} long) "
        f"× {args.rounds} rounds"
    )
    print(f"messages/s: first round {rates[0]:,.0f} · best {max(rates):,.0f}")
    # On a shared machine other processes take the core too; CPU time counts only this one's.
    print(f"messages per CPU second: best {max(cpu_rates):,.0f}")
    print(
        f"latency per message (last round): p50 {percentile(latencies, 0.5):.3f} ms · "
        f"p99 {percentile(latencies, 0.99):.3f} ms · max {latencies[-1] / 1e6:.2f} ms"
    )
    print(f"a {LONGEST}-character message: {max(longest[1:]) / 1e6:.2f} ms")
    print(
        f"share that hit: {hits / len(messages):.2%} (learned stage: {learned / len(messages):.2%})"
    )
    print(f"share that needed the embedding (last round): {embedded / len(messages):.2%}")


if __name__ == "__main__":
    main()
