"""English phrases: self-harm, in the writer's own words or someone else's.

"Cut", "hurt" and "burn" are everyday words ("cut myself shaving", "hurt my back lifting"), so
bare forms are silenced by what follows them (_ACCIDENT), and a bare "want to cut" counts only
when nothing follows that says what is being cut ("want to cut my hair").
"""

from __future__ import annotations

from bot.domain.crisis.model import Category, PhraseRule, Severity, Subject
from bot.domain.crisis.vocab import words

SH, TP = Category.SELF_HARM, Category.THIRD_PARTY
HIGH, MEDIUM, LOW = Severity.HIGH, Severity.MEDIUM, Severity.LOW

_VERB = (
    "(cut|cutt|slice|carve|burn|hurt|harm|hit|punch|scratch|bruise|starve|punish|mutilate|"
    "stab|bleed)"
)
_VERB_ING = (
    "(cutting|slicing|carving|burning|hurting|harming|hitting|punching|scratching|bruising|"
    "starving|punishing|mutilating|stabbing)"
)
_BODY = (
    "(arm|arms|wrist|wrists|thigh|thighs|skin|legs|leg|stomach|hip|hips|body|forearm|forearms|"
    "ankles|chest)"
)
_NOUN = "(sh|self harm|selfharm|self injury|cutting|cutting again|self harming)"
_CLAUSE_END = words(
    "|", "", "again", "tonight", "today", "rn", "now", "badly", "bad", "soon", "anymore",
    "to feel", "to cope", "myself", "lol", "help", "please", "but",
)  # fmt: skip
_ACCIDENT = words(
    "shaving", "on a", "on the", "on my", "on an", "on some", "while", "cooking", "accidentally",
    "by accident", "chopping", "slicing", "opening", "at", "lifting", "playing", "running", "in",
    "when", "doing", "working", "out", "a", "some", "slack", "off", "falling", "skiing",
    "moving", "training", "during", "trying", "the", "with the", "making", "for",
)  # fmt: skip


def _sh(name: str, severity: Severity, *patterns: str, **options: object) -> PhraseRule:
    return PhraseRule(f"self_harm.{name}", SH, severity, patterns, **options)  # type: ignore[arg-type]


SELF_HARM_RULES: list[PhraseRule] = [
    _sh(
        "intent.en",
        HIGH,
        f"{{GOING}} {_VERB} {{SELF}}",
        f"{{GOING}} {_NOUN}",
        "(cut|cutting|sliced|slit|slitting|slashed|slashing) (too deep|my wrist|my wrists|"
        "my throat|my arm open|vertically)",
        not_followed_by=_ACCIDENT - words("the", "a"),
    ),
    _sh(
        "urge.en",
        MEDIUM,
        f"{{WANT}} {_VERB} {{SELF}}",
        f"{{WANT}} {_VERB} (into |)my {_BODY}",
        "{WANT} (sh|self harm|selfharm|relapse on sh|self injure|feel the blade|cut again)",
        "(urge|urges|craving|cravings|need) to (sh|self harm|bleed)",
        "(sh|self harm|selfharm|cutting|cut) (urges|urge|relapse|cravings|craving)",
        "{THINK} (cutting|self harming|sh|hurting {SELF}|cutting {SELF}|harming {SELF}|"
        "relapsing on sh|relapsing on self harm)",
        "(relapsed|relapse|relapsing|slipped) (on|with|into|and) (sh|self harm|cutting|cut|"
        "hurt {SELF}|cut {SELF})",
        "(broke|broken|ruined|lost|reset|resetting) my (# (day|days|month|months|week|weeks|"
        "year|years) |)(sh|self harm|sh free|self harm free|cutting|cut free) "
        "(streak|record|counter|badge)",
        "(blade|blades|razor|razors) (are|is|keep|keeps) calling",
        "(need|want|crave|craving|miss) (the|my|a) (razor|blade|blades|razors|razor blade)",
        "(want|need|wanna) to see (blood|myself bleed|it bleed|the blood)",
        f"my {_BODY} (are|r|is) (a mess|cut up|shredded|bleeding|covered in cuts) (again|)",
        "(fresh|new|deep) (cuts|cut|wounds|burns) on my (arm|arms|wrist|wrists|thigh|thighs|"
        "leg|legs|stomach|hip|hips|skin)",
        "(covered in|full of) (fresh |new |)cuts",
        not_followed_by=_ACCIDENT - words("again"),
    ),
    _sh("intent.en.bare", HIGH, "{GOING} cut", only_followed_by=_CLAUSE_END),
    _sh(
        "urge.en.bare",
        MEDIUM,
        "{WANT} cut",
        "(urge|urges|craving|cravings|need) to cut",
        only_followed_by=_CLAUSE_END,
    ),
    _sh(
        "act.en",
        MEDIUM,
        f"(keep|kept|been|started|start|cant stop|always|constantly|back to) {_VERB_ING} {{SELF}}",
        f"({_VERB}|{_VERB_ING}) {{SELF}} (again|on purpose|intentionally|deliberately|to feel|"
        "to punish|to cope|until i bleed|till i bleed)",
        "(cut|cutting) {SELF}",
        f"({_VERB}|{_VERB_ING}|carved|sliced|burned|burnt) (into |)my {_BODY}",
        "(been|started|back to|keep|im|am) cutting (again|lately|more|every day|every night)",
        "(self harming|self harmed|shd|sh ed|relapsed on sh) (again|tonight|today|last night|"
        "rn|right now)",
        "(im|been|started|keep|ive been|back to|am) (self harming|sh ing|shing)",
        "(burned|burnt|burn|burning) {SELF} with (a|my) (lighter|cigarette|cig|match)",
        "(punch|punching|hit|hitting|bang|banging|slam|slamming|smash|smashing) (my head|"
        "{SELF}|my fists|my fist|my hands|walls|the wall) ((against|into|on) (the|a) "
        "(wall|walls|floor|door|desk) |)(until|till|til|so hard|to feel)",
        "(scratch|scratching|scratched|pick|picking|picked) (at |)(my |)(arms|skin|legs|"
        "wrists|face|{SELF}) (until|till|til) (they|it|i) (bleed|bleeds|bled|bleeding)",
        "(got|get|getting|grab|grabbed|pull|pulled|took|take|taking) (out |)(the|my|a) "
        "(blade|blades|razor|razors|razor blade|razor blades|box cutter) (out|again)",
        "(deserve|need) to (bleed|feel pain|be in pain)",
        not_followed_by=_ACCIDENT,
        past_form=True,
    ),
    # Never accidental: nobody "harms themselves" lifting boxes.
    _sh(
        "act.en.harm",
        MEDIUM,
        "(harming|harm) {SELF}",
        not_followed_by=words("by", "in the", "in any way"),
        past_form=True,
    ),
    _sh(
        "act.en.low",
        LOW,
        "(starving|punishing) {SELF}",
        "deserve to (hurt|suffer|be punished)",
        "(got|get|getting|grab|grabbed|pull|pulled) (out |)(the|my) (blade|blades|razor|razors)",
        not_followed_by=_ACCIDENT | words("until", "till", "to shave"),
    ),
    PhraseRule(
        "third.self_harm.en",
        TP,
        MEDIUM,
        (
            "(self harming|self harm|cutting|hurting|harming) (again|herself|himself|themselves)",
            "(is|been|started|keeps|has been|s) (self harming|cutting again|sh ing)",
            "{THEMSELF} (cutting|self harming|bleeding out)",
        ),
        Subject.OTHER,
        past_form=True,
    ),
]
