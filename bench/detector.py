"""Crisis detector throughput: messages/s on one core over a realistic mix of chat.

The mix is mostly ordinary recovery-community chat generated from templates (check-ins, meetings,
games, daily life, idioms that look alarming but are not), plus a small share of messages from the
labelled evaluation set (crisis and hard negatives). It scans the mix with the full shared phrase
set in one process, one thread. Goal: at least 100,000 messages/s.

    python bench/detector.py                      # 200,000 messages, 2% from the evaluation set
    python bench/detector.py --messages 500000 --eval-share 0.05
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

from bot.domain.crisis.detector import automaton_size, default_detector  # noqa: E402

EVAL_FILE = REPO / "tests" / "data" / "crisis_eval.jsonl"

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


def build_mix(count: int, eval_share: float, seed: int) -> list[str]:
    rng = random.Random(seed)
    labelled = [json.loads(line)["text"] for line in EVAL_FILE.read_text("utf-8").splitlines()]
    return [
        rng.choice(labelled) if rng.random() < eval_share else ordinary(rng) for _ in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--eval-share", type=float, default=0.02)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()

    started = time.perf_counter()
    scan = default_detector().scan
    build = time.perf_counter() - started
    messages = build_mix(args.messages, args.eval_share, args.seed)

    rates = []
    hits = 0
    for _ in range(args.rounds):
        started = time.perf_counter()
        hits = sum(scan(message) is not None for message in messages)
        rates.append(len(messages) / (time.perf_counter() - started))
    print(
        f"python {platform.python_version()} · phrase automaton {automaton_size()} states, "
        f"built in {build * 1000:.0f} ms"
    )
    print(
        f"{len(messages):,} messages ({args.eval_share:.0%} from the evaluation set) × "
        f"{args.rounds} rounds"
    )
    print(f"messages/s: first round {rates[0]:,.0f} · best {max(rates):,.0f}")
    print(f"share that hit: {hits / len(messages):.2%}")


if __name__ == "__main__":
    main()
