"""Severity that follows the rule: a time ("tonight", "now", a date), a plan, means at hand
(pills, a rope, a gun, a bridge or a height, a whole prescription), a goodbye, an overdose in
progress or bleeding that will not stop makes a detection HIGH, whatever the verb that fired it.
The cues are in English and in Spanish, the two languages the rules read.

Cues are looked for only once a message has been detected (a rule or the learned stage), so they
can be generous: "now" in "i want to die now" is a time; in "i'm sober now" nothing was detected.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from bot.domain.crisis.model import Severity
from bot.domain.crisis.patterns import Automaton, substitute
from bot.domain.crisis.vocab import MACROS


class Cue(StrEnum):
    TIME = "time"
    PLAN = "plan"
    MEANS = "means"
    GOODBYE = "goodbye"
    IN_PROGRESS = "in progress"


_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|birthday"
_CUES: dict[Cue, tuple[str, ...]] = {
    Cue.TIME: (
        "tonight|tonite|tonigt|tonihgt|tn|now|rn|atm|tomorrow|tmrw|tmr",
        f"(on|this|next|by|before) ({_DAYS})",
        f"{_DAYS}",
        "(this|next) (week|month)",
        "(once|when|as soon as) (it gets dark|everyone|everybody|nobody|they|my|the kids)",
        "(on|by) the # (th|st|nd|rd|)",
        "in # (min|mins|minutes|hours|hrs)",
        "at # (am|pm)|at # am|at # pm",
        "tonights the night|this is it",
        "(after|when i finish|when i get off) (my|the) (shift|work|class|school)",
        "esta noche|ahora|ahorita|ahora mismo|manana|hoy mismo",
    ),
    Cue.PLAN: (
        "(a|my|the) plan|planned|planning|worked out how|figured out|decided|made up my mind",
        "(picked|chose|found) (a|the) (spot|place|day|date|time|way)",
        "(wrote|written|writing|left) (a|my|the) (note|notes|letter|letters)",
        "goodbye (note|notes|letter|letters)|suicide note",
        "how (many|much) (it|would|will) (takes|take|be enough)|the dose",
        "(researching|looked up|looking up|googled|searched) (ways|how|methods)",
        "(stockpiling|stockpiled|hoarding|hoarded|saving up|been saving|saved up)",
        "filled out the paperwork|pick up is",
        "(i know|i found out|found out) where (he|she|they) (lives|live|works|work|drinks|stays)",
        "(driving|going|heading) (over |)there (after|tonight|now|later)",
    ),
    Cue.MEANS: (
        "{PILLS}",
        "rope|noose|gun|guns|pistol|rifle|shotgun|firearm|knife|knives|blade|blades|razor|"
        "razors|hose|belt|cord",
        "bridge|ledge|roof|rooftop|cliff|cliffs|balcony|overpass|railing|edge|tracks|platform|"
        "tower|quarry|parking garage|car park|multistorey|top floor|# (th|st|nd|rd) floor",
        "(whole|entire|full) (bottle|box|pack|packet|strip|prescription|script|supply|month|week)",
        "(all|every one|each) of (my|the|them|his|her)",
        "all (my|his|her|their) (meds|pills|tablets|medication|prescription)",
        "(car|engine) (is |)running",
        "in my hand|in front of me|right here|ready",
        "pastillas|pildoras|soga|cuerda|pistola|arma|cuchillo|navaja|puente|azotea|techo|"
        "edificio|balcon|cornisa|barandal|vias|acantilado|frasco entero|todo el frasco",
    ),
    Cue.GOODBYE: (
        "goodbye|good bye|bye|farewell|last message|last time you|say goodbye|saying goodbye",
        "wont be (around|here|checking in|online)|(you|youll) (wont|never) hear from me",
        "for good|one last time|take care of (my|mum|mom|each other)|look after (my|mum|mom)",
        "tell my (mum|mom|dad|son|daughter|kids|sister|brother|wife|husband)",
        "(love|loved) you all|thank you all|thanks for everything|sorry for everything",
        "(wont|will not) (need|be needing) (them|it|these|my)|gave away|giving away|given away",
        "(my|this) counter stops|signing off for good|my password|passwords",
        "(signed|wrote|written|updated) my will|my will is (signed|done|written)",
        "nothing left to (take care of|sort out|sort|do|organise|organize)|affairs (are |)in order",
        "(spare |)keys and (a|my) (note|letter)|my (phone |)passcode",
        "adios|ya me voy|me despido|gracias por todo|perdon por todo|perdonenme|perdonen|"
        "los quiero (mucho|a todos)|cuiden a (mi|mis)",
    ),
    Cue.IN_PROGRESS: (
        "(cant|can not|cannot|barely|hard to|struggling to) (breathe|breath|breth|move|stand|"
        "wake|stay awake|keep my eyes open|feel)",
        "breathing (is |feels |)(slow|weird|shallow|wrong|funny)|not breathing|isnt breathing",
        "(lips|face) (are |is |look |looks |going |turning |)(blue|grey|gray)|blue lips",
        "(wont|cant|not) wake|passed out|passing out|unconscious|unresponsive|nodding",
        "seizure|seizing|overdosing|od ing|odin|gurgling|turning blue",
        "chest (pain|hurts|is crushing|feels tight)|heart (is |)(racing|pounding)",
        "bleeding|blood everywhere|wont stop bleeding|stitches|(too|so|really) deep",
        "(soaking|soaked|soaks|bleeding) (through|thru)|gaping",
        "# bpm|sweating buckets|(cant|can not|cannot) calm down",
        "(spinning|going dark|throwing up|vomiting|seeing (double|things|bugs)|hallucinating)",
        "(took|taken|swallowed|drank) (too much|too many|way too|double|the whole|all)",
        "no puedo respirar|sangrando|no para de sangrar|desmayado|desmayada|inconsciente|"
        "no despierta|(me|se) tome todas|(me|se) tomo todas",
    ),
}


def _automaton() -> Automaton[Cue]:
    return Automaton(
        (substitute(f"({template})", MACROS), cue)
        for cue, templates in _CUES.items()
        for template in templates
    )


_AUTOMATON = _automaton()


def cues(words: Sequence[str]) -> frozenset[Cue]:
    """The severity cues in a message's normalised words."""
    return frozenset(cue for _, _, found in _AUTOMATON.hits(words) for cue in found)


def graded(severity: Severity, found: frozenset[Cue]) -> Severity:
    """A detection's severity once the message's cues are counted: any cue makes it HIGH."""
    return Severity.HIGH if found else severity
