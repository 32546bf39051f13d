"""Composed training messages: each template joins parts chosen at random (fixed seed), so the
model sees the same situation in many wordings. Hand-written messages are in messages.txt."""

from __future__ import annotations

import random

PLACES_HIGH = (
    "on the bridge",
    "on the roof",
    "on the ledge",
    "at the edge of the cliff",
    "on top of the car park",
    "on the railway tracks",
    "over the railing of my balcony",
    "at the top of the tower block",
    "on the overpass",
    "at the edge of the platform",
    "on the window ledge",
    "at the quarry edge",
)
NOW = ("right now", "rn", "tonight", "", "atm", "again", "at 3am")
PLACE_TAILS = (
    "i don't want to go back",
    "sorry everyone",
    "it's so quiet up here",
    "just wanted someone to know",
    "i'm not coming down",
    "tell my mum i'm sorry",
    "the drop doesn't even scare me",
    "i keep looking down",
    "nobody knows i'm here",
    "i just want it to stop",
)
ACQUIRED = ("just bought", "i got", "picked up", "i have", "found", "got hold of", "ordered")
MEANS = (
    "a rope",
    "a gun",
    "a bottle of sleeping pills",
    "two packs of paracetamol",
    "all my meds",
    "razor blades",
    "a lot of pills",
    "a hose for the car exhaust",
    "my dad's pistol",
    "enough oxy",
)
DISTRUST = (
    "i don't trust myself",
    "i don't trust myself tonight",
    "i'm scared of what i'll do",
    "i can't stop looking at it",
    "i keep thinking about using it on myself",
    "i don't trust myself alone with it",
    "it would be so easy",
)
THINKING = ("i'm going to", "thinking about how i could", "i want to", "i'm about to", "gonna")
TAKE_ALL = (
    "take my whole prescription at once",
    "drink my whole week of methadone",
    "swallow every pill in the bottle",
    "take all my sleeping pills together",
    "take the whole box of my meds",
    "down all my seroquel with vodka",
    "take every one of my benzos",
)
TOOK = ("took", "i took", "just took", "popped", "had", "swallowed")
DRUGS = (
    "4 xanax",
    "my klonopin",
    "a handful of oxys",
    "a bunch of valium",
    "my sleeping pills",
    "double my methadone",
    "some bars",
    "too much fentanyl",
    "a strip of suboxone",
)
ALCOHOL = (
    "and most of a bottle of vodka",
    "with a lot of wine",
    "and a few beers",
    "plus half a bottle of whiskey",
    "and drank all night",
    "",
)
SYMPTOMS = (
    "now i can't keep my eyes open",
    "my breathing feels really slow",
    "everything is spinning and i can't stand",
    "my lips look blue",
    "i can't feel my hands",
    "i keep passing out",
    "my heart is doing weird things",
    "i can't wake up properly",
)
THANKS = (
    "thank you all for everything",
    "you guys were the best part of this year",
    "thanks for trying with me",
    "i love you all",
    "sorry for being a burden",
)
FINAL = (
    "this is my last message",
    "goodbye",
    "i won't be around after tonight",
    "i'm done for good",
    "please don't blame yourselves",
    "you won't hear from me again",
    "take care of my cat for me",
)
PEOPLE = (
    "friend",
    "brother",
    "sister",
    "girlfriend",
    "boyfriend",
    "roommate",
    "sponsee",
    "cousin",
    "mate",
    "dad",
)
ON_PHONE = (
    "on the phone with me",
    "texting me",
    "in the voice channel",
    "on facetime",
    "messaging me",
)
THIRD_SITUATIONS = (
    "says they're on the bridge about to jump",
    "says they took all their pills",
    "is saying goodbye and won't tell me where they are",
    "says they have a gun and they're done",
    "is on the roof and won't come down",
    "says they cut too deep and won't go to hospital",
    "mixed benzos and booze and is slurring and falling asleep",
    "says they're standing on the tracks",
)

IDIOM_THINGS = (
    "this humidity",
    "my job",
    "this hangover",
    "the commute",
    "these exams",
    "my back",
    "this queue",
)
DYING_TO = (
    "try that new ramen place",
    "hear how your interview went",
    "meet everyone at the picnic",
    "tell you my news",
)
BENIGN_PLACES = (
    ("on the bridge", "stuck in traffic, start without me"),
    ("on the roof", "fixing the satellite dish"),
    ("at the top of the tower", "the view of the city is gorgeous"),
    ("at the edge of the cliff", "taking photos of the sunset"),
    ("on the platform", "train is delayed again"),
    ("on the balcony", "having my morning coffee"),
    ("at the river", "feeding the ducks with my kid"),
    ("on the ledge of the climbing wall", "first time bouldering"),
)
HARM_REDUCTION = (
    "please don't mix {d} with alcohol, it can stop your breathing",
    "reminder: {d} and drinking don't mix. stay safe this weekend",
    "if you're using {d}, don't use alone and keep narcan nearby",
    "my doctor said never to drink on {d}, so i don't",
)
HR_DRUGS = ("benzos", "xanax", "opioids", "methadone", "sleeping pills", "oxy", "gabapentin")
PAST = (
    "i tried to end my life",
    "i overdosed on pills and vodka",
    "i used to cut every night",
    "i stood on a bridge ready to jump",
    "i wrote goodbye letters to my family",
    "i gave away everything i owned",
    "i wanted to die every single day",
)
AGO = (
    "years ago",
    "back in 2016",
    "when i was drinking",
    "at my lowest, ten years ago",
    "before i got sober",
)
NOW_OK = (
    "today i'm 4 years sober and glad to be alive",
    "now i help run this group",
    "i'm so glad i'm still here",
    "recovery gave me my life back",
    "sharing because it gets better",
)
GRIEF_PEOPLE = ("brother", "best friend", "mum", "dad", "cousin", "sponsor", "uncle")
GRIEF_WAYS = (
    "died by suicide",
    "died of an overdose",
    "took his own life",
    "passed away",
    "drank himself to death",
)
GRIEF_WHEN = (
    "last year",
    "in the spring of 2019",
    "in march",
    "when i was a kid",
    "five years back",
)
GRIEF_FEEL = (
    "i miss him so much",
    "the anniversary is hard",
    "going to his grave later",
    "it still hurts",
)
WITHDRAWAL = (
    "shaking and sweating",
    "can't sleep at all",
    "feel like death but it's passing",
    "restless legs all night",
    "nausea and headaches",
    "brain zaps and chills",
)
BENIGN_BYE = (
    "bye all, off to bed",
    "goodbye for now, going offline for exams",
    "this is my last message till monday, camping trip!",
    "signing off, see you at the meeting",
    "logging off for a bit, detox starts tomorrow, see you after",
)
BENIGN_DISTRUST = (
    "booze is still too tempting for me, so i left the wedding before the toasts",
    "don't trust myself with a credit card so i froze it",
    "i don't trust myself in the pub so we met at a cafe",
    "gave my car keys to my partner, i don't trust myself driving past the liquor store",
)


def _join(*parts: str) -> str:
    return " ".join(part for part in parts if part).replace(" .", ".").strip()


def composed(seed: int = 11, per_template: int = 40) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    pick = rng.choice
    out: list[tuple[str, str]] = []

    def add(label: str, make) -> None:
        seen: set[str] = set()
        for _ in range(per_template * 5):
            text = make()
            if text not in seen:
                seen.add(text)
                out.append((label, text))
            if len(seen) >= per_template:
                break

    add("suicidal", lambda: _join("i'm", pick(PLACES_HIGH), pick(NOW) + ".", pick(PLACE_TAILS)))
    add("suicidal", lambda: _join(pick(ACQUIRED), pick(MEANS) + ".", pick(DISTRUST)))
    add("suicidal", lambda: _join(pick(THINKING), pick(TAKE_ALL), pick(NOW)))
    add("suicidal", lambda: _join(pick(THANKS) + ".", pick(FINAL)))
    add("overdose", lambda: _join(pick(TOOK), pick(DRUGS), pick(ALCOHOL) + ",", pick(SYMPTOMS)))
    add(
        "third_party",
        lambda: _join("my", pick(PEOPLE), "is", pick(ON_PHONE), "and", pick(THIRD_SITUATIONS)),
    )
    add("none", lambda: _join(pick(IDIOM_THINGS), "is killing me"))
    add("none", lambda: _join("i'm dying to", pick(DYING_TO)))
    add("none", lambda: _join("i'm", *pick(BENIGN_PLACES)))
    add("none", lambda: pick(HARM_REDUCTION).format(d=pick(HR_DRUGS)))
    add("none", lambda: _join(pick(AGO), pick(PAST) + ".", pick(NOW_OK)))
    add(
        "none",
        lambda: _join(
            "my", pick(GRIEF_PEOPLE), pick(GRIEF_WAYS), pick(GRIEF_WHEN) + ".", pick(GRIEF_FEEL)
        ),
    )
    add(
        "none",
        lambda: _join(f"day {rng.randint(1, 9)} off the", pick(HR_DRUGS) + ",", pick(WITHDRAWAL)),
    )
    add("none", lambda: pick(BENIGN_BYE))
    add("none", lambda: pick(BENIGN_DISTRUST))
    return out
