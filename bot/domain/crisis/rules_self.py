"""English phrases: suicidal thoughts, in the writer's own words (self-harm: rules_self_harm.py).

Each rule is a family of phrasings, never one test sentence. Ideation phrases are shared with
"someone else at risk": the same words after "my friend ..." or "she ..." become a third-party
detection (see `shared`). Severity: intent, plan, means or a time = HIGH; wanting to die without a
plan = MEDIUM; indirect distress ("I don't see the point anymore") = LOW.
"""

from __future__ import annotations

from bot.domain.crisis.model import Category, PhraseRule, Severity, Subject
from bot.domain.crisis.vocab import words

S, TP = Category.SUICIDAL, Category.THIRD_PARTY
HIGH, MEDIUM, LOW = Severity.HIGH, Severity.MEDIUM, Severity.LOW

# "killing myself at the gym", "kill myself laughing", "killing myself trying to finish this".
EFFORT_IDIOMS = words(
    "laughing", "at the gym", "at work", "at the office", "at this job", "over", "trying",
    "to get", "to finish", "to make", "to pay", "to keep", "to impress", "working", "studying",
    "doing", "running", "cleaning", "cooking", "training", "lifting", "practicing", "with work",
    "with this", "out here", "writing", "making", "getting", "in the gym", "in ranked",
    "in the game", "in game", "in minecraft", "on this", "on that", "on these", "on my project",
    "for this", "for that", "for work", "for you", "for them", "for money",
)  # fmt: skip
# "want to die of embarrassment", "die on this hill", "ready to die for my kids", "would rather
# die than sing karaoke", and "die" for
# "dye" ("wants to die her hair").
DIE_IDIOMS = words(
    "of", "laughing", "on this hill", "on that hill", "for my", "for you", "for it", "for this",
    "for that", "for them", "for love", "for a", "for the", "happy", "old", "her hair",
    "his hair", "my hair", "their hair", "your hair", "hair", "it", "than",
)  # fmt: skip
# "end it with her", "take my life back", "end my life as I knew it".
END_IDIOMS = words("with", "between", "early", "off", "back", "as", "into", "over", "around")


_NOT_SLANG_AFTER = words(
    "#", "you", "u", "tried to", "try to", "tryed to", "attempted to", "attempt to",
)  # fmt: skip

# "Goodbye everyone, see you Thursday": leaving the chat, not life.
_SIGN_OFF = words(
    "see", "for now", "till", "until", "have", "night", "gn", "goodnight", "cya", "ttyl", "gtg",
    "got to", "gotta", "brb", "back", "im off", "off", "and good", "thanks", "ill be",
    "i will be", "talk", "catch", "logging", "log off", "heading", "going to bed", "off to bed",
)  # fmt: skip


def shared(rule: str, severity: Severity, *patterns: str, **options: object) -> list[PhraseRule]:
    """The same phrases as the writer's suicidal thoughts and as someone else's risk."""
    return [
        PhraseRule(f"suicidal.{rule}", S, severity, patterns, Subject.SELF, **options),  # type: ignore[arg-type]
        PhraseRule(f"third.{rule}", TP, severity, patterns, Subject.OTHER, **options),  # type: ignore[arg-type]
    ]


SUICIDAL_RULES: list[PhraseRule] = [
    *shared(
        "intent.en",
        HIGH,
        "{GOING} ({KILLSELF})",
        "{GOING} end it (tonight|today|tomorrow|now|soon|this weekend|for good|once and for all)",
        "{GOING} (jump|throw {SELF}|leap) (off|from|in front of|into) (a|the|this|that|my) "
        "({PLACE_HIGH})",
        "{GOING} (take|swallow|down|overdose on|od on) (all|all of) (my|the|his|her|their) "
        "({PILLS})",
        "{GOING} (overdose|od) on purpose",
        "{GOING} (use|turn) (it|the gun|a gun|my gun|the knife|a knife|them) on {SELF}",
        "(tonight|today) (is|s) the (night|day) (i|im going to) (die|end it|do it)",
        "(ive|i have|i) (decided|made my decision|made up my mind) (that |)(tonights the night|"
        "tonight is the night|todays the day|its time to go|to end it|to do it tonight)",
        "(tonight|today|tomorrow|this weekend) (i|ill|im going to|im gonna|im) (end|ending) "
        "(it|it all|my life|things)",
        not_followed_by=EFFORT_IDIOMS | END_IDIOMS | words("in ranked", "in the game"),
    ),
    *shared(
        "ideation.en",
        MEDIUM,
        "{WANT} ({KILLSELF}|die|be dead|end it|go to sleep forever|be gone forever)",
        "{THINK} ({KILLINGSELF})",
        "(feel|feeling|felt) (ending it|ending it all|ending everything|killing {SELF}|"
        "ending my life|dying)",
        "(picturing|imagining|planning|thinking about|dreaming about) my (own |)funeral",
        "(wish|wishing) (i was|i were|i could be|to be|id be|i could|i would|i had|i wouldnt|i) "
        "(dead|die|just die|never born|not alive|gone forever|not here|born|disappear|"
        "not wake up|never wake up|never woke up|wasnt alive|wasnt born|didnt exist|"
        "never existed|didnt wake up|wouldnt wake up|go to sleep and not wake up)",
        "(dont|do not|no longer|never) (want|wanna|want to) (to |)(live|be alive|exist|"
        "be here anymore|be here any more|be on this earth|wake up|go on|live anymore|"
        "exist anymore|be alive anymore|keep living|keep going|continue living|be around)",
        "(rather|prefer to|prefer) (be dead|die|not exist|not be alive|not wake up)",
        "better off dead",
        "(hate|hating|despise) (being alive|living|existing|waking up every day|"
        "that i woke up|that im alive|being here)",
        "(tired|sick|exhausted|done) (of|with) (living|being alive|existing|waking up|breathing|"
        "life itself|being here)",
        "ready to die",
        "(cant wait|cannot wait|waiting|cant wait) to die",
        "(hope|hoping|praying|pray) (i|that i) (dont|never|do not|wont|will not) wake up",
        "(hope|hoping|praying|pray) (i|that i) (die|get hit by a (car|bus|truck|train))",
        "(im|i am|am|feeling|feel|felt|been|getting|get|becoming|being) (suicidal|suicidial|"
        "sucidal|suisidal|suicidle|sewerslidal|suicidal again)",
        "(having|have|had|get|getting|got|with|my|experiencing|battling|fighting|struggling with|"
        "dealing with) (suicidal (thoughts|ideation|urges|feelings|thinking|ideas)|"
        "thoughts of (suicide|killing {SELF}|ending it|ending my life|dying|death)|"
        "thoughts about (suicide|killing {SELF}|ending it|ending my life))",
        "suicidal (again|tonight|today|rn|right now|lately|af|as fuck|as hell|mood|episode)",
        not_followed_by=DIE_IDIOMS | END_IDIOMS | EFFORT_IDIOMS | words("this", "alone", "there"),
        # "this game makes me want to die": see suicidal.hyperbole.en.
        not_preceded_by=words("me"),
    ),
    *shared(
        "goodbye.en",
        HIGH,
        "(wrote|written|writing|write|finished|left|typed|typing|drafted|drafting) (my|a) "
        "(suicide|goodbye) (note|letter|letters|notes|message|messages|video)",
        "(wrote|written|writing) (my|a) (last|final) (letter|note)",
        "(said|saying|say|posted|says|posting) (goodbye|goodbyes|bye) to (everyone|everybody|"
        "us all|all of us|the group|the server|the chat|this server|the world)",
    ),
    *shared(
        "means.en",
        HIGH,
        "(bought|got|have|found|grabbed|making|made|tied|tying|set up|setting up|hung) "
        "(a|the|my) noose",
        "(stockpiling|stockpiled|saving up|saved up|hoarding|hoarded|stashing|stashed|"
        "collecting|collected|got|have) enough ({PILLS}) (to|saved|stockpiled)",
        "(holding|have|got|put) (a|the|my|dads) (gun|pistol|knife|blade) (to|against|on) my "
        "(head|throat|wrist|wrists|temple)",
        "(standing|sitting) on (the|a) (ledge|edge of the (bridge|roof|building)|bridge railing)",
        "(pills|meds|rope|gun) (is |are |)(saved|ready|stockpiled) (up |)to end it",
    ),
    PhraseRule(
        "suicidal.means.en.2",
        S,
        MEDIUM,
        (
            "(bought|got|found|grabbed) (a|the|some) rope",
            "(stockpiling|stockpiled|saving up|saved up|hoarding|hoarded|stashing|stashed) "
            "(up |)(my |all my |)({PILLS})",
        ),
        not_followed_by=words("for", "to climb", "climbing", "swing"),
    ),
    PhraseRule(
        "suicidal.method.en",
        S,
        HIGH,
        (
            "(best|easiest|quickest|fastest|painless|most painless|least painful|surest|"
            "cleanest) (way|ways|method|methods) to (die|{KILLSELF}|end it|od|overdose)",
            "how (to|do i|can i|would i|should i|could i|does one) ({KILLSELF}|overdose|od)",
            "how many (of my |of the |of these |of those |)({PILLS}) (it |)(would it take|"
            "would take|it takes|does it take|would kill me|to kill me|to die|"
            "to od|to overdose|would i need|do i need|is lethal|is a lethal dose)",
            "(lethal|fatal) dose of",
        ),
        subject=Subject.ANY,
    ),
    PhraseRule(
        "suicidal.burden.en",
        S,
        MEDIUM,
        (
            "better (off |)(without me|if i (was|were|wasnt|werent) (dead|gone|here|around|alive|"
            "in it)|"
            "with me (gone|dead)|when im (gone|dead))",
            "(nobody|no one|noone|no1) (would|will|is going to|gonna|would even|will even) "
            "(care|notice|miss me|cry) (if|when) i (die|died|was gone|am gone|were gone|"
            "disappear|disappeared|killed {SELF}|kill {SELF}|wasnt here|was dead|"
            "didnt wake up|vanished)",
            "(no|not a|not any|there is no|theres no|dont have a|dont have any|have no|lost my|"
            "cant find a|cant find any) (reason|reasons|point) (to|in|for) (live|living|"
            "be alive|being alive|stay alive|staying alive|go on|going on|keep going|"
            "keep living|wake up|waking up|exist|existing|stick around)",
            "(whats|what is|wats) the point (of|in) (living|life|being alive|going on|existing|"
            "me being here|waking up|staying alive)",
            "life (isnt|is not|aint|not|is no longer) worth (living|fighting for)",
            "(last time|never|the last time) (you|you wil|youl|u|anyone|any of you|yall) "
            "(ever |)(hear from|see|talk to) me",
            "(you|youl|u|yall|you guys) (wont|will not|never) (hear from|see) me again",
            "(wont|will not) be (alive|here|around) (tomorrow|by tomorrow|by morning|"
            "much longer|for much longer)",
            "(this is|its|it is|consider this) (my |)(goodbye|final goodbye|goodbye post)",
            "goodbye (forever|cruel world|world)",
            "by the time (you|u|anyone|someone|you guys|yall) (read|reads|see|sees|find|finds) "
            "this",
            "(dont|do not|no longer|cant) see (the|a|any) (point|reason) (in|of|to) (living|live|"
            "going on|go on|being here|being alive|life)",
        ),
        subject=Subject.ANY,
        not_followed_by=words("before", "for today", "for tonight", "for now", "at"),
    ),
    PhraseRule(
        "suicidal.distress.en",
        S,
        LOW,
        (
            "(dont|do not|no longer|cant) see (the|a|any) point (anymore|any more|in anything|"
            "of anything|in trying anymore|in any of this)",
            "(cant|cannot) (do|take|handle|bear|keep doing|cope with) (this|it|life) "
            "(anymore|any more|any longer)",
            "cant go on (anymore|any more|like this|any longer)",
            "(want|need|wish) (it|this|everything|it all|the pain) (to |)(end|stop|be over) "
            "(forever|for good|permanently)",
            "want it all to (end|stop|be over)",
            "(tired|sick|exhausted) of life",
            "(nobody|no one|noone) (will|would) miss me",
            "(giving|gave) away (all |)my (stuff|things|belongings|possessions)",
            "(whats|what is) the point anymore",
            "life (isnt|is not|aint) worth it anymore",
            "(wish|wishing) i could disappear",
        ),
        subject=Subject.ANY,
    ),
    PhraseRule(
        "suicidal.hyperbole.en",
        S,
        LOW,
        (
            "(makes|made|making|make) me (want to|wanna) (die|kms|kill {SELF}|end it)",
            "(goodbye|bye|farewell) (everyone|everybody|all|guys|friends|world)",
            "sorry for everything",
        ),
        subject=Subject.ANY,
        jest_silences=True,
        not_followed_by=_SIGN_OFF,
    ),
    PhraseRule(
        "suicidal.slang.en",
        S,
        MEDIUM,
        (
            "kms",
            "kmys",
            "unalive {SELF}",
            "unaliving {SELF}",
            "sewerslide",
            "sewer slide",
            "kill {SELF}",
            "killing {SELF}",
            "end my life",
            "ending my life",
            "take my own life",
            "rope {SELF}",
            "neck {SELF}",
            "killmyself",
        ),
        # "tried to end my life" is suicidal.attempt.en's, which knows a story when it sees one.
        not_preceded_by=_NOT_SLANG_AFTER,
        not_followed_by=EFFORT_IDIOMS
        | END_IDIOMS
        | words("away", "from", "per", "an", "a", "left", "ride", "run", "walk", "drive", "hr"),
    ),
    PhraseRule(
        "suicidal.attempt.en",
        S,
        MEDIUM,
        (
            "(tried|try|tryed|attempted|attempt|attempting) (to |)({KILLSELF}|end it|end my life)",
            "(almost|nearly) (killed {SELF}|ended it|ended my life|died by suicide)",
            "(wanted|used to want) to (die|{KILLSELF})",
        ),
        past_form=True,
        not_followed_by=EFFORT_IDIOMS
        | words("tripping", "falling", "slipping", "on the", "on a", "when", "by accident"),
    ),
]
