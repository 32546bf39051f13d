"""Shared vocabulary: template macros and the word sets the context checks use.

Macros are written in the template syntax of patterns.py and may use each other. Word sets are
written plainly and normalised at import (so "don't" becomes "dont", "really" is a filler...).
"""

from __future__ import annotations

from bot.domain.crisis.normalise import normalise

_RELATIONS = (
    "friend|friends|best friend|bestie|bff|bf|gf|boyfriend|girlfriend|partner|husband|wife|hubby|"
    "wifey|fiance|fiancee|ex|brother|bro|sister|sis|twin|mom|mum|mommy|mother|dad|daddy|father|"
    "stepdad|stepmom|stepbrother|stepsister|son|daughter|stepson|stepdaughter|kid|kids|child|"
    "children|baby|teen|teenager|cousin|uncle|aunt|auntie|nephew|niece|grandma|grandpa|nan|"
    "granddad|grandmother|grandfather|roommate|roomie|flatmate|housemate|neighbor|neighbour|"
    "coworker|colleague|boss|sponsor|sponsee|buddy|mate|homie|classmate|student|client|"
    "patient|dude|guy|girl|man|woman|member|pal"
)

# People someone might threaten who are not relatives or friends.
_PEOPLE = (
    "dealer|plug|abuser|bully|bullies|manager|supervisor|landlord|teacher|coach|pastor|priest|"
    "therapist|counselor|doctor|nurse|ex husband|ex wife|exes|cellmate|probation officer|"
    "parole officer|cop|cops|neighbours|neighbors|stepfather|stepmother|rapist|attacker"
)

MACROS: dict[str, str] = {
    "SELF": "myself|my self|meself|myslef|mysef|myselfe|mself",
    "THEMSELF": "himself|herself|themselves|themself|themselfs|hisself|theirself",
    "REL": _RELATIONS,
    # Someone named: "my friend", "our sponsor", "this guy", a pronoun.
    "OTHER": "he|she|they|hes|shes|theyre|him|her|them|someone|somebody|"
    "(my|our|his|her|their|this|that|a) ({REL})",
    "GOING": "going to|goin to|gonna|gunna|finna|about to|bout to|abt to|planning to|"
    "planning on|plan to|will|ill|i will|ready to|decided to|gonna go|going to go|"
    "tryna|trying to|try to|want to go|gon",
    "WANT": "want to|wanna|wan to|want|need to|wish i could|would like to|id like to|"
    "tempted to|urge to|urges to|itching to|longing to|desperate to|ready to|tryna|"
    "feel like i want to|feel the urge to|have the urge to",
    "THINK": "thinking about|thinking of|thinkin about|thinking abt|think about|think of|"
    "thought about|thought of|thoughts about|thoughts of|obsessing over|obsessing about|"
    "fantasizing about|fantasising about|dreaming about|daydreaming about|considering|"
    "contemplating|cant stop thinking about|keep thinking about|planning|researching|"
    "googling|looking up",
    # How people say "kill myself": plain, slang, typos and workarounds for word filters.
    "KILLSELF": "kill {SELF}|killmyself|end {SELF}|off {SELF}|end my (own |)life|"
    "take my (own |)life|commit suicide|comit suicide|kms|k m s|kmys|unalive|unalive {SELF}|"
    "sewerslide|sewer slide|sewer side|self delete|neck {SELF}|rope|rope {SELF}|"
    "hang {SELF}|shoot {SELF}|drown {SELF}|suicide|end it all|end everything|"
    "walk into traffic|jump in front of a (train|bus|car|truck)|{VEHICLE_END}|"
    "step in front of a (train|bus|car|truck)|drive off a (bridge|cliff)|"
    "not wake up|never wake up|go to sleep and (not|never) wake up|sleep forever|"
    "disappear forever|stop existing|not exist|not be alive|not be here anymore",
    "KILLINGSELF": "killing {SELF}|ending {SELF}|offing {SELF}|ending my (own |)life|"
    "taking my (own |)life|ending it|ending it all|ending everything|committing suicide|"
    "commiting suicide|unaliving|unaliving {SELF}|sewersliding|sewerslide|sewer slide|"
    "hanging {SELF}|shooting {SELF}|suicide|kms|not waking up|jumping off (a|the) "
    "(bridge|building|roof)|overdosing on purpose|how to die",
    # Ending it with a vehicle: "drive my car into the river", "crash into a tree".
    "VEHICLE_END": "(drive|crash|steer|swerve|wrap) (my car |my truck |the car |my bike |it |)"
    "(into|off|in front of) (a|the|an) (river|lake|sea|ocean|tree|wall|cliff|bridge|pole|"
    "oncoming traffic|traffic|truck|train|lorry|bus|overpass)",
    "PLACE_HIGH": "bridge|building|roof|rooftop|cliff|balcony|ledge|overpass|"
    "parking garage|car park|tower|window|train|bus|truck|car|traffic|tracks",
    "PILLS": "pills|pill|meds|medication|medications|medicine|tablets|tabs|capsules|caps|"
    "prescription|prescriptions|painkillers|pain killers|pain meds|pain pills|sleeping pills|"
    "sleeping tablets|sleep meds|antidepressants|benzos|bars|xanax|xans|valium|klonopin|"
    "ativan|oxy|oxys|oxycodone|oxycontin|percs|percocet|percocets|vicodin|norco|hydros|"
    "tramadol|morphine|methadone|suboxone|insulin|lithium|seroquel|quetiapine|gabapentin|"
    "adderall|tylenol|paracetamol|acetaminophen|ibuprofen|advil|aspirin|panadol|nurofen|"
    "codeine|ambien|zopiclone|benadryl|diphenhydramine|heart pills|blood pressure pills",
    "TOOK": "took|taken|swallowed|ate|popped|downed|snorted|injected|shot up|have taken",
    "DRUGS": "fentanyl|fent|heroin|dope|meth|coke|cocaine|crack|opioids|opiates|"
    "alcohol|booze|vodka|whiskey|liquor|{PILLS}",
    # Objects of a threat: people, never "a pizza".
    "VICTIM": "him|her|them|you|u|someone|somebody|people|everyone|everybody|em|"
    "them all|all of them|every one of them|my whole family|my family|"
    "(that|this|the) (guy|girl|dude|bitch|man|woman|kid|asshole|prick|bastard|teacher|"
    "landlord|neighbor|neighbour|driver|cop|cops|nurse|doctor)|"
    "(my|his|her|their|that|this|the) ({REL}|{PEOPLE})",
    "PEOPLE": _PEOPLE,
    "HARM": "kill|murder|end|stab|shoot|strangle|choke|poison|hurt|attack|beat up|smother|drown|"
    "torture|run over|hit|punch|slaughter|butcher|slit the throat of",
}

_NEGATORS_EN = str.split(
    "not never don't doesn't didn't won't wouldn't isn't aren't ain't nobody noone neither nor "
    "longer nah used"  # "no longer want to", "used to want to"
)
_NEGATORS_ES = str.split("no nunca jamás tampoco ni")
# Words that may stand between a negator and the phrase: "not going to", "never ever want to",
# "never thought about".
_NEGATION_BRIDGES = str.split(
    "thought considered tried attempted going to gonna want wanna plan planning plans on intend "
    "intending intention trying try ever about i im be will would do did does thinking of feel "
    "feeling have has had am is are was ready a the any desire urge need wish at all again gon "
    "finna me te se lo la quiero voy pienso en que yo he she they hes shes theyre wondering"
)
_FIRST_PERSON = str.split("i i'm i've i'd i'll me myself imma ima yo")
_THIRD_PERSON = (
    *str.split(
        "he she they he's she's they're they've they'll they'd he'd she'd him her them his "
        "their someone somebody someone's person member el ella"
    ),
    *_RELATIONS.split("|"),
)
# "you", "we", "people who ...": advice and general talk, neither the writer nor a named person.
_GENERIC_SUBJECTS = str.split(
    "you u you're ur ya y'all yall we we're people everyone everybody anyone anybody who "
    "whoever folks ppl one somebody's"
)
# Before a phrase about someone else: a hypothetical or general statement, not an event. Not
# "what" or "how": "what do I do, he's not breathing" is an emergency.
_GENERIC_MARKERS = str.split(
    "if who whoever whenever anyone anybody people ppl case signs sign symptoms si quien"
)
# Anywhere in a message, these make a threat read as a joke ...
_JEST = str.split("lol lmao lmfao rofl haha hahaha hehe jk xd jaja jajaja")
# ... unless the writer insists otherwise.
_SERIOUS = (
    "not joking", "no joke", "im serious", "i mean it", "for real", "swear to god",
    "serious this time", "not kidding", "dead serious", "hablo en serio",
)  # fmt: skip


def _serious(markers: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(normalise(marker, keep_fillers=True) for marker in markers)


def _words(words: tuple[str, ...] | list[str]) -> frozenset[str]:
    normalised = (normalise(word, keep_fillers=True).strip() for word in words)
    return frozenset(word for word in normalised if word and " " not in word)


NEGATORS_EN = _words(_NEGATORS_EN)
NEGATORS_ES = _words(_NEGATORS_ES)
NEGATION_BRIDGES = _words(_NEGATION_BRIDGES)
FIRST_PERSON = _words(_FIRST_PERSON)
THIRD_PERSON = _words(_THIRD_PERSON)
GENERIC_SUBJECTS = _words(_GENERIC_SUBJECTS)
GENERIC_MARKERS = _words(_GENERIC_MARKERS)
JEST = _words(_JEST)
SERIOUS = _serious(_SERIOUS)
QUESTION_VERBS = _words(("asked", "asks", "ask", "asking", "wondered", "wondering", "checked"))
QUESTION_LINKS = _words(("if", "whether"))


def words(*items: str) -> frozenset[str]:
    """A normalised set of follow/precede words or short phrases for a rule."""
    return frozenset(normalise(item, keep_fillers=True).strip() for item in items)
