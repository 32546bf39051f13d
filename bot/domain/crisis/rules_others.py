"""English phrases: overdose or medical emergency, intent to harm others, someone else at risk.

An emergency in progress is HIGH whoever it happens to ("I took all my pills", "my sponsor isn't
breathing"): the answer is the same, call the emergency number now. States that also describe
machines ("not responding", "won't wake up") need a person named before them.
"""

from __future__ import annotations

from bot.domain.crisis.model import Category, PhraseRule, Severity, Subject
from bot.domain.crisis.rules_self import DIE_IDIOMS, EFFORT_IDIOMS
from bot.domain.crisis.vocab import words

OD, HO, TP = Category.OVERDOSE, Category.HARM_OTHERS, Category.THIRD_PARTY
HIGH, MEDIUM, LOW = Severity.HIGH, Severity.MEDIUM, Severity.LOW

_NOT_DRUGS = words(
    "water",
    "juice",
    "soda",
    "coke",
    "pop",
    "gatorade",
    "milk",
    "tea",
    "coffee",
    "chips",
    "candy",
    "sweets",
    "cookies",
    "gum",
    "vitamins",
    "pictures",
    "photos",
    "notes",
    "crisps",
)

# "overdosed on chocolate", "overdosing on caffeine rn".
_TREATS = words(
    *(
        f"{prefix}{treat}"
        for prefix in ("", "on ")
        for treat in (
            "chocolate", "sugar", "candy", "caffeine", "coffee", "netflix", "tv", "cake", "pizza",
            "food", "carbs", "memes", "love", "cuteness", "anime", "tiktok", "content", "cookies",
            "ice cream", "sweets", "vitamin c", "energy drinks", "red bull", "monster", "music",
            "cheese",
        )
    )
)  # fmt: skip

# "took all my meds this morning like a good boy": the daily dose, taken as prescribed; and
# advice about a mix.
_DAILY_DOSE = words(
    "on", "off", "to heart", "of water", "this morning", "today", "like", "as prescribed",
    "with breakfast", "on time", "for the day", "at breakfast",
    # Harm-reduction advice: "mixing opioids and alcohol is so dangerous".
    "is dangerous", "is so dangerous", "is really dangerous", "is very dangerous", "is deadly",
    "can kill", "can stop", "is risky", "is a bad idea",
)  # fmt: skip

OVERDOSE_RULES: list[PhraseRule] = [
    PhraseRule(
        "overdose.ingested.en",
        OD,
        HIGH,
        (
            "({TOOK}) (all|all of) (my|the|his|her|their|of my|of the|of his|of her|those|"
            "these|of them|of those|of these) ({PILLS})",
            "({TOOK}) (a|an|the|the whole|a whole|an entire|the entire|half a|half the|"
            "the rest of the|the rest of my|most of the|most of my|two|three|another) "
            "(bottle|bottles|pack|packs|packet|packets|box|boxes|strip|strips|sheet|"
            "blister pack|handful|handfuls|jar) of",
            "({TOOK}|did|done|used|had) # (of my|of the|of them|of those|of these|({PILLS})|"
            "lines|bags|grams|points|doses|tabs)",
            "(took|taken|did|used|done|snorted|shot|smoked|injected) (way |)too (much|many)",
            "(took|taken|did|used|done|snorted|shot|smoked|injected|drank) (way |a lot |)"
            "more than (usual|normal|i usually do|i normally do|i usually take|ever)",
            "({TOOK}) (double|triple|twice) (my|the|his|her) (dose|dosage|({PILLS}))",
            "(mixed|mixing|mix) (too many |too much |a lot of |)({DRUGS}) (and|with|w) ({DRUGS}|"
            "drinks|drinking|beer|wine)",
            "({TOOK}|had|mixed) too many ({PILLS})",
            "(swallowed|took|ate|downed|taken) (everything|all the pills|all the meds|"
            "every pill) (in|from) (my|the|our) (medicine cabinet|cabinet|cupboard|drawer|"
            "bathroom)",
            # Not "poison" alone: "resentment is like drinking poison" is a recovery saying.
            "({TOOK}|drank|drunk) (some |a bottle of |a cup of |the |)(rat poison|antifreeze|"
            "weed killer|weedkiller|pesticide|insecticide)",
            "(drank|drunk|swallowed) (some |a bottle of |a cup of |the |)(bleach|drain cleaner)",
        ),
        Subject.ANY,
        past_form=True,
        not_followed_by=_NOT_DRUGS | _DAILY_DOSE,
        min_number=8,
    ),
    PhraseRule(
        "overdose.now.en",
        OD,
        HIGH,
        (
            "(overdosing|oding|od ing|overdosin|odding)",
            "(im|i am|i think im|i might be|am i|i feel like im|pretty sure im|i could be) "
            "(having an overdose|having an od|going to od|gonna od|about to od|about to overdose|"
            "going to overdose|gonna overdose)",
            "(i|i think i|think i|i might have|i may have|i might of|i probably|he|she|they|"
            "he just|she just|they just|{REL}|my {REL}|someone|somebody) (od|oded|overdosed|"
            "overdosed on|od on)",
        ),
        Subject.ANY,
        past_form=True,
        generic_silences=True,
        not_followed_by=words("and died", "died", "and passed", "awareness") | _TREATS,
    ),
    PhraseRule(
        "overdose.state.en",
        OD,
        HIGH,
        (
            "(isnt|is not|aint|wasnt|was not|hes not|shes not|theyre not|are not|arent) "
            "(breathing|breathing right|breathing properly)",
            "(stopped|has stopped|have stopped|barely) breathing",
            "(lips|lips are|lips r|lips turned|lips going|lips look) (blue|purple|grey|gray)",
            "(foaming|foam) at the mouth",
            "(no pulse|has no pulse|cant find a pulse|cant find (his|her|their) pulse)",
            "cant wake (him|her|them|em|my {REL}) up",
            "cant get (him|her|them) to wake up",
            "(found|find|finding) (him|her|them|(my|our) ({REL})) (unconscious|unresponsive|"
            "not breathing|passed out|blue|overdosed|with a needle)",
            "(gave|give|giving|used) (him|her|them|my {REL}) (narcan|naloxone) (and|but)",
            "(narcan|naloxone) (isnt|is not|not|didnt|did not) (working|work|helping)",
        ),
        Subject.ANY,
        past_form=True,
        generic_silences=True,
        not_followed_by=words("through", "well", "easy"),
    ),
    PhraseRule(
        "overdose.person_state.en",
        OD,
        HIGH,
        (
            "(is |s |are |)(unresponsive|not responding|not waking up|isnt waking up|"
            "wont wake up|will not wake up|turning blue|turned blue|going blue|unconscious|"
            "barely conscious|having a seizure|seizing|convulsing|not moving|collapsed|"
            "wont respond|will not respond|isnt responding|gurgling|making gurgling (sounds|"
            "noises)|snoring weird)",
            "(is|s|are|hes|shes|theyre|looks|going|turned|turning|gone) (blue|grey|gray|purple)",
            "(cant|cannot|can not) breathe",
        ),
        Subject.OTHER,
        generic_silences=True,
        past_form=True,
    ),
]

# "I'll kill him if he's late again", "gonna kill her for eating my fries", "kill you in smash".
_JOKE_FOLLOW = words(
    "lol", "lmao", "haha", "jk", "if he", "if she", "if they", "if you", "if u", "if this",
    "if that", "if it", "if my", "if the", "if hes", "if shes", "if theyre", "if we", "for",
    "in", "at", "with kindness", "one day", "someday", "xd", "up", "a text", "a message", "a dm",
    "an email", "feelings", "his feelings", "her feelings", "back", "off", "tho",
)  # fmt: skip

HARM_OTHERS_RULES: list[PhraseRule] = [
    PhraseRule(
        "harm_others.intent.en",
        HO,
        MEDIUM,
        (
            "{GOING} ({HARM}) ({VICTIM})",
            "{GOING} run ({VICTIM}) over",
            "{WANT} ({HARM}) ({VICTIM})",
            "(thoughts|thinking|thought|think|fantasize|fantasizing|fantasise|fantasising|dream|"
            "dreaming|obsessing) (of|about) (hurting|killing|harming|stabbing|shooting|"
            "strangling|drowning|smothering|murdering) ({VICTIM}|others|other people|people)",
            "(scared|afraid|worried|terrified|frightened) (that |)(i will|ill|im going to|"
            "im gonna|i might|i could|i would) (snap and |lose it and |)(hurt|kill|harm) "
            "({VICTIM})",
            "beat the (crap|shit|hell|life|living daylights|snot) out of ({VICTIM})",
            "({GOING}|{WANT}) make ({VICTIM}) (bleed|suffer|hurt)",
            "{GOING} put ({VICTIM}) in (the hospital|hospital|the ground|a coffin|the grave|"
            "a body bag|the er|intensive care)",
        ),
        jest_silences=True,
        not_followed_by=_JOKE_FOLLOW,
    ),
    PhraseRule(
        "harm_others.plan.en",
        HO,
        HIGH,
        (
            "{GOING} ({HARM}) ({VICTIM}) (tonight|tomorrow|today|when (he|she|they) (gets|get|"
            "comes|come) home|with (a|my|the|his|dads|my dads) (gun|knife|rifle|pistol|bat|"
            "hammer|car|axe|shotgun)|i have a (gun|knife)|and i have a (gun|knife))",
            "(bring|bringing|brought|take|taking|carry|carrying) (a|my|the|his|her|dads|moms|"
            "my dads) (gun|guns|knife|knives|rifle|pistol|weapon|weapons|ar|ak|shotgun|glock|"
            "bomb) (to|into) (school|work|class|the office|church|the meeting|the party|campus|"
            "the mall|his house|her house|their house|the club|the bar)",
            "({THINK} |)(shoot|shooting) up (the|my|a|this|our|that) (school|work|office|place|"
            "mall|church|party|meeting|building|class|club|store|workplace|campus|concert)",
            "(shoot|kill|stab|blow up|bomb) (everyone|everybody|all of them|them all|people|"
            "every person) (at|in) (school|work|the office|this building|the building|class|"
            "the meeting|church|the party)",
            "(blow up|bomb) (the|my|this|our) (school|work|office|building)",
            "(set|setting|light|lighting) (his|her|their|the) (house|car|place|apartment|flat) "
            "on fire",
            "(poison|poisoning|spike|spiking) (his|her|their) (drink|food|coffee|tea|dinner|meal)",
            "(taking|bringing|grabbing|getting|got|loading|loaded) (my|his|her|a|the|my ({REL})s|"
            "my dads|my brothers) (gun|guns|rifle|pistol|shotgun|knife|weapon) (tonight|tomorrow|"
            "today|with me|and going)",
        ),
        subject=Subject.SELF,
        jest_silences=True,
    ),
    PhraseRule(
        "harm_others.hyperbole.en",
        HO,
        LOW,
        (
            "(could|would) ({HARM}) (someone|somebody|people|everyone) (right now|rn|today)",
            "{GOING} make ({VICTIM}) (pay|regret it|suffer)",
        ),
        jest_silences=True,
        not_followed_by=_JOKE_FOLLOW,
    ),
]

THIRD_PARTY_RULES: list[PhraseRule] = [
    PhraseRule(
        "third.intent.en",
        TP,
        HIGH,
        (
            "{GOING} (kill|end|off|hurt|harm|cut|hang|shoot|drown|burn|unalive) {THEMSELF}",
            "{GOING} end (his|her|their) (own |)life",
            "{GOING} (use|turn) (it|the gun|a gun|his gun|her gun|the knife|a knife|them) on "
            "{THEMSELF}",
            "(threatening|threatened|threatens|threaten) to (jump|kill|end it|end (his|her|their) "
            "life|overdose|od|hurt|shoot|hang|take (his|her|their) (own |)life|{GOING})",
            "(his|her|their) (suicide|goodbye) (note|letter|message|post|video)",
            "(messaged|texted|sent me|dmd me|dmed me) (goodbye|goodbyes|bye forever)",
            "(sent|posted|left|wrote|texted|messaged) (me |us |everyone |)(a|his|her|their) "
            "(suicide|goodbye) (note|letter|message|text|post|video)",
            "(is|s|are|keeps|been) (beating|choking|strangling|stabbing) (her|him|them) (right now|"
            "rn|"
            "again|up)",
            "(has|got|have) (a|the|his|her|their|my dads) (gun|knife|rope|pills) (and|to) "
            "(end it|kill {THEMSELF}|says (he|she|they))",
        ),
        Subject.ANY,
        past_form=True,
        generic_silences=True,
        not_followed_by=EFFORT_IDIOMS,
    ),
    PhraseRule(
        "third.ideation.en",
        TP,
        MEDIUM,
        (
            "(wants|want|wanting|trying|tried|tries|planning|thinking about|talking about|"
            "talks about|talked about|considering) (to |)(kill|killing|end|ending|off|offing|"
            "hurt|hurting|harm|harming|cut|cutting|hang|hanging|shoot|shooting|unalive|"
            "unaliving) {THEMSELF}",
            "(kill|killing|ending|hurting|harming|cutting|hanging|unaliving|burning|starving) "
            "{THEMSELF}",
            "end (his|her|their) (own |)life",
            "(wants|keeps wanting|wanted) to (die|be dead|disappear forever|end it|end it all|"
            "not exist|stop existing)",
            "(doesnt|does not|no longer) see (a|any|the) (point|reason) (in|of|to|for) "
            "(living|live|going on|being here|being alive|life)",
            "(doesnt|does not|no longer) (want|wants) to (live|be alive|exist|be here anymore|"
            "wake up|go on|be here)",
            "(is|s|seems|sounds|getting|been|being|feels|feeling|hes|shes|theyre|was) (suicidal|"
            "suicidial)",
            "(talking|talks|talked|keeps talking|been talking|posting|posts|posted|writing|"
            "texting|texted) about (suicide|killing {THEMSELF}|ending it|ending (his|her|their) "
            "life|wanting to die|not wanting to live|ending it all|kms)",
            "(hed|shed|theyd) (be|rather be) better off dead",
            "(says|said|keeps saying|thinks|feels) (everyone|everybody|we|the world|people|"
            "his family|her family|their family) (would|will|d) be better (off |)without "
            "(him|her|them)",
            "(is|s|are|keeps|kept|been|was|started) (beating|hitting|choking|strangling|attacking|"
            "abusing|hurting) "
            "(her|him|them|my {REL}|his {REL}|her {REL})",
        ),
        Subject.ANY,
        past_form=True,
        generic_silences=True,
        not_followed_by=EFFORT_IDIOMS | DIE_IDIOMS | words("feelings", "high score", "score", "at"),
    ),
]

# Titles and set phrases that contain detector phrases but are about something else.
BUILTIN_ALLOWED = (
    "suicide squad",
    "kill bill",
    "killing eve",
    "dead to me",
    "13 reasons why",
    "thirteen reasons why",
    "to kill a mockingbird",
    "the killing joke",
    "killing me softly",
    "kill la kill",
    "killing floor",
    "suicide mission",
    "suicideboys",
    "die hard",
    "live and let die",
    "dying light",
    "no time to die",
    "die another day",
    "suicide prevention",
    "suicide awareness",
    "overdose awareness",
    "overdose prevention",
    "kill the lights",
    "kill time",
    "killing time",
    "dressed to kill",
    "licence to kill",
    "license to kill",
    "suicide is painless",
    "a quiet place",
    "ready or not",
    "the suicide shop",
    "suicide room",
)
