"""Render a member's daily mood and craving history as a calm, readable PNG chart."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from PIL import Image, ImageDraw, ImageFont

from bot.domain.checkins import Mood

# Layout is specified at 1x and drawn at 2x, then box-downsampled: ImageDraw does not
# antialias, and supersampling is the cheapest way to get smooth lines and dots.
WIDTH, HEIGHT, SCALE = 900, 420, 2
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 96, 836, 92, 366
INSET = 12  # keeps extreme values (mood 5, craving 10) from sitting on the plot border

Colour = tuple[int, int, int]
Font = ImageFont.FreeTypeFont

# Warm, low-contrast palette; nothing red, so a hard stretch never looks like a "failure".
BACKGROUND = (252, 250, 246)
GRID = (233, 228, 219)
TEXT = (58, 54, 50)
MUTED = (122, 116, 108)
# Okabe-Ito blue and orange: distinguishable with the common colour-vision deficiencies.
MOOD_COLOUR = (0, 114, 178)
CRAVING_COLOUR = (230, 159, 0)

MOOD_LABELS = {mood.value: mood.label for mood in Mood}
MOOD_MIN, MOOD_MAX, CRAVING_MIN, CRAVING_MAX = 1, 5, 0, 10
# Fixed English names: strftime("%b") depends on the process locale, which breaks determinism.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
EMPTY_MESSAGE = "No check-ins in this period yet"
EMPTY_HINT = "That's okay. Check in whenever you're ready."


@dataclass(frozen=True)
class ChartDay:
    day: date
    mood: int | None  # 1..5 or None (no check-in)
    craving: int | None  # 0..10 or None


def _check_value(value: int | None, low: int, high: int, name: str, day: date) -> None:
    if value is None:
        return
    # bool is an int subclass; True would otherwise silently plot as mood 1.
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"{name} for {day.isoformat()} must be {low}..{high} or None")


def _validate(days: list[ChartDay]) -> None:
    if not days:
        raise ValueError("days must not be empty")
    for index, entry in enumerate(days):
        if index and entry.day != days[index - 1].day + timedelta(days=1):
            raise ValueError("days must be consecutive calendar days in ascending order")
        _check_value(entry.mood, MOOD_MIN, MOOD_MAX, "mood", entry.day)
        _check_value(entry.craving, CRAVING_MIN, CRAVING_MAX, "craving", entry.day)


def _fmt_day(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]}"


def _pick_ticks(
    days: list[ChartDay], spacing: float, width_of: Callable[[str], float]
) -> tuple[list[date], list[str]]:
    """Choose the densest tick scheme whose labels don't collide at this chart width."""
    every = [d.day for d in days]
    mondays = [d for d in every if d.weekday() == 0]
    firsts = [d for d in every if d.day == 1]
    schemes = [
        (every, _fmt_day, 1),
        (every[::2], _fmt_day, 2),
        (mondays, _fmt_day, 7),
        (mondays[::2], _fmt_day, 14),
        (firsts, lambda d: MONTHS[d.month - 1], 30),
        ([d for d in firsts if d.month % 3 == 1], lambda d: MONTHS[d.month - 1], 91),
    ]
    for ticks, fmt, step_days in schemes:
        labels = [fmt(d) for d in ticks]
        widest = max((width_of(label) for label in labels), default=0)
        if ticks and step_days * spacing >= widest + 14:
            return ticks, labels
    ticks, fmt, _ = schemes[-1]
    return ticks, [fmt(d) for d in ticks]


def _runs(values: list[int | None]) -> list[list[int]]:
    """Indices grouped into runs of consecutive days that all have a value."""
    runs: list[list[int]] = []
    for index, value in enumerate(values):
        if value is None:
            continue
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


def _fit(text: str, font: ImageFont.FreeTypeFont, max_width: float) -> str:
    # The bundled font only covers ASCII; anything else renders as empty boxes, so fold
    # accents away ("café" -> "cafe") and drop what cannot be folded (emoji, other scripts).
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().strip()
    text = " ".join(text.split())
    # Titles may be long; ellipsize rather than let them run off the image.
    if font.getlength(text) <= max_width:
        return text
    while text and font.getlength(text + "…") > max_width:
        text = text[:-1]
    return text.rstrip() + "…"


def render_checkin_chart(days: list[ChartDay], *, title: str) -> bytes:
    """PNG bytes. `days` is every calendar day of the period in order (gaps have mood None)."""
    _validate(days)
    s = SCALE

    # Fonts are created per call: FreeType faces must not be shared across threads, and
    # loading the bundled font costs well under a millisecond.
    def font(size: int) -> ImageFont.FreeTypeFont:
        loaded = ImageFont.load_default(size=size * s)
        # Without FreeType Pillow silently falls back to a tiny fixed bitmap font.
        if not isinstance(loaded, ImageFont.FreeTypeFont):
            raise RuntimeError("Pillow was built without FreeType support")
        return loaded

    title_font, body_font, small_font = font(20), font(14), font(12)
    image = Image.new("RGB", (WIDTH * s, HEIGHT * s), BACKGROUND)
    draw = ImageDraw.Draw(image)

    def text(
        xy: tuple[float, float], value: str, f: Font, fill: Colour, anchor: str = "la"
    ) -> None:
        draw.text((xy[0] * s, xy[1] * s), value, font=f, fill=fill, anchor=anchor)

    def hline(y: float, x0: float, x1: float, fill: Colour, width: int = 1) -> None:
        draw.line([(x0 * s, y * s), (x1 * s, y * s)], fill=fill, width=width * s)

    n = len(days)
    inner_left, inner_right = PLOT_LEFT + INSET, PLOT_RIGHT - INSET
    spacing = (inner_right - inner_left) / (n - 1) if n > 1 else 0.0

    def x_of(index: int) -> float:
        return inner_left + index * spacing if n > 1 else (PLOT_LEFT + PLOT_RIGHT) / 2

    def y_of(fraction: float) -> float:
        return PLOT_BOTTOM - INSET - fraction * (PLOT_BOTTOM - PLOT_TOP - 2 * INSET)

    # Header: title, then the date range (the only place the year appears).
    text((24, 16), _fit(title, title_font, (WIDTH - 48) * s), title_font, TEXT)
    first, last = days[0].day, days[-1].day
    period = f"{_fmt_day(first)} {first.year}"
    if n > 1:
        period += f" to {_fmt_day(last)} {last.year}"
    text((24, 46), period, body_font, MUTED)

    moods = [d.mood for d in days]
    cravings = [d.craving for d in days]
    has_mood = any(m is not None for m in moods)
    has_craving = any(c is not None for c in cravings)

    # Legend lists only series that have data, so an absent series leaves no trace of its colour.
    legend: list[tuple[str, Colour, str]] = []
    if has_mood:
        legend.append(("Mood", MOOD_COLOUR, "circle"))
    if has_craving:
        legend.append(("Craving", CRAVING_COLOUR, "square"))
    legend_x = WIDTH - 24
    for label, colour, shape in reversed(legend):
        legend_x -= body_font.getlength(label) / s
        text((legend_x, 54), label, body_font, TEXT, "lm")
        legend_x -= 26
        hline(54, legend_x, legend_x + 18, colour, 2)
        _marker(draw, (legend_x + 9) * s, 54 * s, 4 * s, colour, shape)
        legend_x -= 18

    # Axes: mood words on the left, craving numbers on the right, captions above each.
    text((PLOT_LEFT - 10, PLOT_TOP - 14), "Mood", small_font, MUTED, "rs")
    text((PLOT_RIGHT + 10, PLOT_TOP - 14), "Craving", small_font, MUTED, "ls")
    for mood, label in MOOD_LABELS.items():
        y = y_of((mood - MOOD_MIN) / (MOOD_MAX - MOOD_MIN))
        hline(y, PLOT_LEFT, PLOT_RIGHT, GRID)
        text((PLOT_LEFT - 10, y), label, small_font, TEXT, "rm")
    for craving in range(CRAVING_MIN, CRAVING_MAX + 1, 2):
        y = y_of((craving - CRAVING_MIN) / (CRAVING_MAX - CRAVING_MIN))
        hline(y, PLOT_RIGHT, PLOT_RIGHT + 5, MUTED)
        text((PLOT_RIGHT + 10, y), str(craving), small_font, TEXT, "lm")
    hline(PLOT_BOTTOM, PLOT_LEFT, PLOT_RIGHT, MUTED)

    def label_width(label: str) -> float:
        return small_font.getlength(label) / s

    ticks, labels = _pick_ticks(days, spacing if n > 1 else float(WIDTH), label_width)
    index_of = {d.day: i for i, d in enumerate(days)}
    for tick, label in zip(ticks, labels, strict=True):
        x = x_of(index_of[tick])
        draw.line([(x * s, PLOT_TOP * s), (x * s, PLOT_BOTTOM * s)], fill=GRID, width=s)
        draw.line([(x * s, PLOT_BOTTOM * s), (x * s, (PLOT_BOTTOM + 5) * s)], fill=MUTED, width=s)
        # Clamp so the first/last labels are never cut off at the image edge.
        half = label_width(label) / 2
        x = min(max(x, half + 4), WIDTH - half - 4)
        text((x, PLOT_BOTTOM + 10), label, small_font, TEXT, "ma")

    if not (has_mood or has_craving):
        mid_x, mid_y = (PLOT_LEFT + PLOT_RIGHT) / 2, (PLOT_TOP + PLOT_BOTTOM) / 2
        # A plain panel behind the message so gridlines don't strike through the words.
        widest = max(body_font.getlength(EMPTY_MESSAGE), small_font.getlength(EMPTY_HINT))
        half_w = widest / s / 2 + 20
        panel = [((mid_x - half_w) * s, (mid_y - 30) * s), ((mid_x + half_w) * s, (mid_y + 30) * s)]
        draw.rounded_rectangle(panel, radius=10 * s, fill=BACKGROUND, outline=GRID, width=s)
        text((mid_x, mid_y - 10), EMPTY_MESSAGE, body_font, TEXT, "mm")
        text((mid_x, mid_y + 12), EMPTY_HINT, small_font, MUTED, "mm")
    else:
        # Thinner strokes and smaller markers for long ranges, so a year stays legible.
        line_w, radius = (3.0, 4.5) if n <= 45 else (2.0, 3.0) if n <= 120 else (1.5, 2.2)
        # Craving is drawn first so mood, the primary series, sits on top where they cross.
        series = [
            (cravings, CRAVING_MIN, CRAVING_MAX, CRAVING_COLOUR, "square"),
            (moods, MOOD_MIN, MOOD_MAX, MOOD_COLOUR, "circle"),
        ]
        for values, low, high, colour, shape in series:
            points = {
                i: (x_of(i) * s, y_of((v - low) / (high - low)) * s)
                for i, v in enumerate(values)
                if v is not None
            }
            width = round(line_w * s)
            for run in (r for r in _runs(values) if len(r) > 1):
                draw.line([points[i] for i in run], fill=colour, width=width, joint="curve")
            for x, y in points.values():
                _marker(draw, x, y, radius * s, colour, shape)

    # reduce() is a box filter: fast and exact for an integer factor.
    output = io.BytesIO()
    image.reduce(s).save(output, format="PNG", optimize=False)
    return output.getvalue()


def _marker(
    draw: ImageDraw.ImageDraw, x: float, y: float, r: float, colour: Colour, shape: str
) -> None:
    # Distinct marker shapes mean the series can be told apart even without colour.
    if shape == "circle":
        draw.ellipse([(x - r, y - r), (x + r, y + r)], fill=colour)
    else:
        # A square of the same half-width looks heavier than a circle; shrink it to match.
        r *= 0.85
        draw.rectangle([(x - r, y - r), (x + r, y + r)], fill=colour)
