"""Render a recovery key tag (the plastic tags fellowships hand out) for a milestone card."""

from __future__ import annotations

import io
import unicodedata
from enum import Enum

from PIL import Image, ImageDraw, ImageFilter, ImageFont

Colour = tuple[int, int, int]

# Layout at 1x; drawn at 2x and box-downsampled because ImageDraw does not antialias.
WIDTH, HEIGHT, SCALE = 600, 300, 2
TAG_BOX = (110, 58, 568, 242)  # left, top, right, bottom
TAG_RADIUS = 46
HOLE_X, HOLE_R = 154, 16  # ring hole centre x (vertically centred on the tag) and radius
RING_R, RING_W = 60, 8  # the ring's band passes through the hole's centre
TEXT_LEFT, TEXT_RIGHT = 198, 538  # text stays clear of the hole and the rounded end

# Slightly deeper than the chart's off-white, so a white tag still reads as an object.
BACKGROUND = (244, 239, 230)
DARK_TEXT = (38, 34, 30)
LIGHT_TEXT = (252, 250, 246)
RING_DARK, RING_LIGHT = (124, 124, 132), (214, 214, 222)
SPARKLE = (230, 159, 0)  # Okabe-Ito orange: a warm, restrained accent
SPARKLES = ((580, 38, 10), (552, 22, 5), (88, 262, 8), (64, 242, 4))  # x, y, radius


# Key tag colours of the Narcotics Anonymous convention, the most widely used one. Okabe-Ito
# hues where one matches; red is a true red, as Okabe-Ito vermilion reads as orange beside orange.
class TagColour(Enum):
    WHITE = (255, 255, 255)
    ORANGE = (230, 159, 0)
    GREEN = (0, 158, 115)
    RED = (196, 40, 48)
    BLUE = (0, 114, 178)
    YELLOW = (240, 228, 66)
    GLOW = (214, 246, 178)  # glow-in-the-dark: pale luminous green
    GREY = (168, 168, 172)
    BLACK = (30, 30, 34)


# The NA convention as (threshold in days, colour). Sub-year milestones count 30-day months
# (6 months = 180 days, so 90..179 days is the red tag); years count 365 days.
DAY_THRESHOLDS: tuple[tuple[int, TagColour], ...] = (
    (0, TagColour.WHITE),  # 24 hours / just for today, and anything under 30 days
    (30, TagColour.ORANGE),
    (60, TagColour.GREEN),
    (90, TagColour.RED),
    (180, TagColour.BLUE),  # 6 months
    (270, TagColour.YELLOW),  # 9 months
    (365, TagColour.GLOW),  # 1 year
    (365 + 180, TagColour.GREY),  # 18 months
    (2 * 365, TagColour.BLACK),  # multiple years
)
MONTH_THRESHOLDS: tuple[tuple[int, TagColour], ...] = (
    (6, TagColour.BLUE),
    (9, TagColour.YELLOW),
    (12, TagColour.GLOW),
    (18, TagColour.GREY),
    (24, TagColour.BLACK),
)


def _lookup(value: int, table: tuple[tuple[int, TagColour], ...]) -> TagColour:
    return [colour for threshold, colour in table if value >= threshold][-1]


def tag_colour_for(
    *, days: int | None = None, months: int | None = None, years: int | None = None
) -> TagColour:
    """The key tag colour for a milestone given in exactly one of days, months or years."""
    given = [v for v in (days, months, years) if v is not None]
    if len(given) != 1:
        raise ValueError("pass exactly one of days, months or years")
    value = given[0]
    # bool is an int subclass; True would otherwise silently mean "1 year".
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError("milestone must be a non-negative integer")
    if days is not None:
        return _lookup(days, DAY_THRESHOLDS)
    if months is not None:
        return (
            _lookup(months * 30, DAY_THRESHOLDS)
            if months < 6
            else _lookup(months, MONTH_THRESHOLDS)
        )
    return TagColour.GLOW if value == 1 else _lookup(value * 365, DAY_THRESHOLDS)


def _luminance(c: Colour) -> float:
    # WCAG relative luminance: linearise sRGB, then weight by the eye's sensitivity.
    r, g, b = (v / 3294.6 if v <= 10 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in c)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _text_colour(tag: Colour) -> Colour:
    # Pick whichever text colour has the higher WCAG contrast ratio against the tag.
    lum = _luminance(tag)
    dark = (lum + 0.05) / (_luminance(DARK_TEXT) + 0.05)
    light = (_luminance(LIGHT_TEXT) + 0.05) / (lum + 0.05)
    return DARK_TEXT if dark >= light else LIGHT_TEXT


def _mix(a: Colour, b: Colour, t: float) -> Colour:
    r, g, bl = (round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    return (r, g, bl)


def _sanitise(text: str) -> str:
    # The bundled font only covers ASCII: fold accents ("café" -> "cafe"), drop the rest.
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(text.split())


def _fit(text: str, sizes: range, max_width: float) -> tuple[str, ImageFont.FreeTypeFont]:
    """Largest size at which text fits; at the smallest size, ellipsize instead."""
    for size in sizes:
        # Loaded per call, not cached: FreeType faces must not be shared across threads.
        font = ImageFont.load_default(size=size)
        if not isinstance(font, ImageFont.FreeTypeFont):
            raise RuntimeError("Pillow was built without FreeType support")
        if font.getlength(text) <= max_width:
            return text, font
    while text and font.getlength(text + "…") > max_width:
        text = text[:-1]
    return text.rstrip() + "…", font


def render_milestone_tag(headline: str, caption: str, colour: TagColour) -> bytes:
    """PNG bytes: a key tag in `colour` showing `headline` large and `caption` beneath it."""
    headline, caption = _sanitise(headline), _sanitise(caption)
    if not headline:
        raise ValueError("headline must contain printable (ASCII-foldable) text")
    s = SCALE
    tag: Colour = colour.value
    ink = _text_colour(tag)
    left, top, right, bottom = (v * s for v in TAG_BOX)
    cy = (TAG_BOX[1] + TAG_BOX[3]) / 2 * s
    hx, hr = HOLE_X * s, HOLE_R * s
    hole = [(hx - hr, cy - hr), (hx + hr, cy + hr)]

    image = Image.new("RGB", (WIDTH * s, HEIGHT * s), BACKGROUND)
    draw = ImageDraw.Draw(image)

    # Soft drop shadow lifts the tag off the page; the glow tag gets a faint halo instead.
    # Blurred at 1x and scaled up: a soft shadow needs no detail, and blur cost grows with area.
    glow = colour is TagColour.GLOW
    shade = Image.new("L", (WIDTH, HEIGHT), 0)
    dx, dy = (0, 0) if glow else (3, 5)
    x0, y0, x1, y1 = TAG_BOX
    box = [(x0 + dx, y0 + dy), (x1 + dx, y1 + dy)]
    ImageDraw.Draw(shade).rounded_rectangle(box, TAG_RADIUS, fill=150 if glow else 70)
    shade = shade.filter(ImageFilter.GaussianBlur(14 if glow else 7)).resize(image.size)
    image.paste((150, 222, 110) if glow else (90, 70, 50), mask=shade)

    # The ring is drawn whole first; the tag then hides the part that passes behind it.
    # Its band is centred on the hole, as a ring threaded through it would sit.
    ring_right = hx + RING_W * s / 2
    ring_box = [(ring_right - 2 * RING_R * s, cy - RING_R * s), (ring_right, cy + RING_R * s)]
    _ring(draw, ring_box, 0, 360)

    # Tag body: a rounded rectangle with a real hole, so the ring shows through it.
    body = Image.new("L", image.size, 0)
    body_draw = ImageDraw.Draw(body)
    body_draw.rounded_rectangle([(left, top), (right, bottom)], TAG_RADIUS * s, fill=255)
    body_draw.ellipse(hole, fill=0)
    image.paste(tag, mask=body)
    edge = _mix(tag, (0, 0, 0), 0.3)
    draw.rounded_rectangle([(left, top), (right, bottom)], TAG_RADIUS * s, outline=edge, width=s)
    # An inset rim, like the moulded edge of a real tag; tinted toward the text colour.
    inset = 9 * s
    rim_box = [(left + inset, top + inset), (right - inset, bottom - inset)]
    draw.rounded_rectangle(rim_box, (TAG_RADIUS - 9) * s, outline=_mix(tag, ink, 0.22), width=2 * s)
    draw.ellipse(hole, outline=edge, width=2 * s)
    # The upper arc, from the tag's edge into the hole, passes in front of the tag.
    _ring(draw, ring_box, 282, 352)

    # Headline large and heavy (stroke fakes a bold weight the bundled font lacks).
    width = (TEXT_RIGHT - TEXT_LEFT) * s
    mid_x = (TEXT_LEFT + TEXT_RIGHT) / 2 * s
    head_text, head_font = _fit(headline, range(60 * s, 23 * s, -2 * s), width)
    stroke = max(1, round(head_font.size / 40))
    head_y = cy - 14 * s if caption else cy
    draw.text(
        (mid_x, head_y), head_text, ink, head_font, "mm", stroke_width=stroke, stroke_fill=ink
    )
    if caption:
        cap_text, cap_font = _fit(caption, range(22 * s, 15 * s, -s), width)
        draw.text((mid_x, cy + 42 * s), cap_text, font=cap_font, fill=ink, anchor="mm")

    # A few small four-point sparkles: celebratory without confetti.
    for x, y, r in SPARKLES:
        x, y, r, k = x * s, y * s, r * s, r * s * 0.28
        points = [(x, y - r), (x + k, y - k), (x + r, y), (x + k, y + k)]
        points += [(x, y + r), (x - k, y + k), (x - r, y), (x - k, y - k)]
        draw.polygon(points, fill=SPARKLE)

    output = io.BytesIO()
    image.reduce(s).save(output, format="PNG", optimize=False)
    return output.getvalue()


def _ring(
    draw: ImageDraw.ImageDraw, box: list[tuple[float, float]], start: float, end: float
) -> None:
    # Two concentric strokes, dark under light, read as a round metal wire.
    s = SCALE
    draw.arc(box, start, end, fill=RING_DARK, width=RING_W * s)
    (x0, y0), (x1, y1) = box
    inner = [(x0 + 2 * s, y0 + 2 * s), (x1 - 2 * s, y1 - 2 * s)]
    draw.arc(inner, start, end, fill=RING_LIGHT, width=3 * s)
