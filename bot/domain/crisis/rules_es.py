"""Spanish: the most explicit phrases of every category (accents are removed by normalisation).

Spanish puts the subject in the verb: "me quiero morir" is the writer, "se quiere morir" is
someone else, "lo voy a matar" is a threat, so the categories follow the verb forms, not a subject
word. "No" directly before a phrase negates it ("no me quiero morir").
"""

from __future__ import annotations

from bot.domain.crisis.model import Category, PhraseRule, Severity, Subject
from bot.domain.crisis.vocab import words

S, SH, OD = Category.SUICIDAL, Category.SELF_HARM, Category.OVERDOSE
HO, TP = Category.HARM_OTHERS, Category.THIRD_PARTY
HIGH, MEDIUM, LOW = Severity.HIGH, Severity.MEDIUM, Severity.LOW

_PASTILLAS = "pastillas|pildoras|medicinas|medicamentos|tabletas|capsulas|pastis|calmantes"


def _es(rule: str, category: Category, severity: Severity, *patterns: str, **options: object):
    return PhraseRule(
        f"{rule}.es",
        category,
        severity,
        patterns,
        options.pop("subject", Subject.ANY),  # type: ignore[arg-type]
        lang="es",
        **options,  # type: ignore[arg-type]
    )


SPANISH_RULES: list[PhraseRule] = [
    _es(
        "suicidal.intent",
        S,
        HIGH,
        "(me voy a|hoy me voy a|esta noche me voy a|ya me voy a) (matar|suicidar|quitar la vida)",
        "voy a (matarme|suicidarme|quitarme la vida|acabar con mi vida|terminar con mi vida|"
        "acabar con todo|tirarme (del|de un|de la|por la) (puente|edificio|ventana|balcon|"
        "techo|azotea))",
        "(esta noche|hoy) me (mato|suicido)",
        "(tengo|ya tengo) (las pastillas|la soga|la cuerda|el arma|la pistola) (lista|listas|"
        "lista para|preparada|preparadas)",
    ),
    _es(
        "suicidal.ideation",
        S,
        MEDIUM,
        "(me quiero|quiero|me kiero|kiero) (morir|morirme|matar|matarme|suicidar|suicidarme|"
        "desaparecer para siempre|dejar de existir|quitar la vida|quitarme la vida)",
        "no quiero (vivir|seguir viviendo|estar aqui|despertar|existir|seguir aqui|"
        "vivir mas|seguir con vida)",
        "(pienso|pensando|pensado|pienso mucho|pensamientos de|pensamientos sobre) en "
        "(suicidarme|matarme|quitarme la vida|el suicidio|morirme|acabar con (todo|mi vida))",
        "(pensamientos|ideas) (suicidas|de suicidio|de matarme)",
        "(tengo|tener|con) (ganas|deseos) de (morir|morirme|matarme|suicidarme|no despertar)",
        "(estoy|me siento|me estoy sintiendo|ando) suicida",
        "(mejor|preferiria|prefiero) (estar muerto|estar muerta|morir|morirme|no existir)",
        "(todos|todo el mundo|mi familia) (estarian|estaria) mejor sin mi",
        "no vale la pena (vivir|seguir viviendo)",
        "(intente|trate de) (suicidarme|matarme|quitarme la vida)",
        not_followed_by=words(
            "de risa",
            "de ganas",
            "de hambre",
            "de calor",
            "de sueno",
            "a mi",
            "a ese",
            "a esa",
            "a el",
            "a la",
            "a todos",
            "a alguien",
        ),
    ),
    _es(
        "suicidal.distress",
        S,
        LOW,
        "quiero que (todo|esto) (termine|se acabe) (ya|para siempre)",
        "ya no (aguanto|puedo) mas (esta vida|vivir)",
    ),
    _es(
        "self_harm.act",
        SH,
        MEDIUM,
        "(me corte|me corto|me cortaba|me he cortado|me estoy cortando|me volvi a cortar|"
        "volvi a cortarme)",
        "(quiero|necesito|tengo ganas de|ganas de) (cortarme|hacerme dano|lastimarme|herirme|"
        "autolesionarme|quemarme)",
        "(me autolesiono|me estoy autolesionando|me hago dano|me lastimo a proposito|"
        "me hice dano a proposito|me lastime a proposito|me corte a proposito)",
        past_form=True,
        not_followed_by=words(
            "el",
            "la",
            "los",
            "las",
            "un",
            "una",
            "con el",
            "con un",
            "con una",
            "cocinando",
            "afeitandome",
            "sin querer",
            "en",
        ),
    ),
    _es(
        "self_harm.intent",
        SH,
        HIGH,
        "voy a (cortarme|hacerme dano|lastimarme|autolesionarme|quemarme)",
    ),
    _es(
        "overdose.ingested",
        OD,
        HIGH,
        f"(me tome|tome|me he tomado|se tomo|se ha tomado|me trague|se trago|tomo) "
        f"(todas las|todas mis|todas sus|muchas|un monton de|un frasco de|una caja de|"
        f"todo el frasco de|el frasco entero de|un punado de|una bolsa de|#) ({_PASTILLAS})",
        f"(me tome|tome|se tomo|me trague|se trago) demasiadas ({_PASTILLAS})",
        "(tengo|creo que tengo|estoy teniendo|tiene|tuvo|le dio|esta teniendo) una sobredosis",
        "(me pase|se paso) con (las pastillas|la droga|el fentanilo|la heroina)",
        past_form=True,
        min_number=8,
    ),
    _es(
        "overdose.state",
        OD,
        HIGH,
        "(no respira|ya no respira|dejo de respirar|no esta respirando|no reacciona|"
        "no despierta|no se despierta|no responde|esta inconsciente|labios morados|"
        "esta convulsionando)",
        generic_silences=True,
    ),
    _es(
        "harm_others.intent",
        HO,
        MEDIUM,
        "(voy a|quiero) (matarlo|matarla|matarlos|matarlas|apunalarlo|apunalarla|dispararle|"
        "lastimarlo|lastimarla|hacerle dano)",
        "voy a matar a (mi|ese|esa|el|la|todos|alguien)",
        "(lo|la|los|las) voy a (matar|apunalar|lastimar)",
        jest_silences=True,
        not_followed_by=words("si", "por"),
    ),
    _es(
        "third.ideation",
        TP,
        MEDIUM,
        "(se quiere|quiere) (morir|suicidar|suicidarse|matarse|quitar la vida|quitarse la vida)",
        "se quiere matar",
        "(se esta cortando|se corta|se autolesiona|se hace dano|se lastima)",
        "(dice|dijo) que no quiere vivir",
        generic_silences=True,
    ),
    _es(
        "third.intent",
        TP,
        HIGH,
        "(se va a|va a) (matar|suicidar|matarse|suicidarse|quitar la vida|quitarse la vida)",
        generic_silences=True,
        not_preceded_by=words("me"),
    ),
]
