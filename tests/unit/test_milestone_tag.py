"""The milestone key tag: a deterministic PNG in the NA tag colour with readable text."""

from __future__ import annotations

import io
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image

from bot.rendering.milestone_tag import TagColour, render_milestone_tag, tag_colour_for

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SIZE = (600, 300)
# Where the headline and caption sit: right of the ring hole, inside the tag's rim.
TEXT_BOX = (198, 80, 540, 222)
# The tag body, excluding the hole/ring end.
TAG_BOX = (110, 58, 568, 242)

Pixel = tuple[int, int, int]


def _decode(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image.convert("RGB")


def _near(a: Pixel, b: Pixel, tolerance: int) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def _count_near(image: Image.Image, colour: Pixel, tolerance: int = 8) -> int:
    return sum(n for n, px in image.getcolors(maxcolors=1 << 20) if _near(px, colour, tolerance))


def _luminance(c: Pixel) -> float:
    def lin(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])


def _contrast(a: Pixel, b: Pixel) -> float:
    low, high = sorted((_luminance(a), _luminance(b)))
    return (high + 0.05) / (low + 0.05)


def _render(colour: TagColour, headline: str = "30 DAYS", caption: str = "One day at a time"):
    return render_milestone_tag(headline, caption, colour)


def test_png_of_expected_size() -> None:
    png = _render(TagColour.ORANGE)
    assert png.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == SIZE


@pytest.mark.parametrize("colour", list(TagColour))
def test_tag_colour_fills_a_large_area(colour: TagColour) -> None:
    image = _decode(_render(colour))
    # The tag is ~460x184 px; even minus text, hole and rim well over a quarter of the image.
    assert _count_near(image, colour.value) > 0.25 * SIZE[0] * SIZE[1]
    # And the tag really is where the layout says: its centre-left, between hole and text.
    assert _near(image.getpixel((185, 100)), colour.value, 8)
    # Corners stay background, so the tag does not bleed off the card.
    assert not _near(image.getpixel((2, 2)), colour.value, 8)


def test_different_colours_differ_and_same_input_is_byte_identical() -> None:
    orange, blue = _decode(_render(TagColour.ORANGE)), _decode(_render(TagColour.BLUE))
    assert _render(TagColour.ORANGE) != _render(TagColour.BLUE)
    # Not just different bytes: the other tag's colour is essentially absent.
    assert _count_near(orange, TagColour.BLUE.value) < 100
    assert _count_near(blue, TagColour.ORANGE.value) < 1000  # only the small sparkles
    assert _render(TagColour.GLOW) == _render(TagColour.GLOW)


def test_black_tag_has_light_text_and_white_tag_dark_text() -> None:
    black = _decode(_render(TagColour.BLACK, "5 YEARS")).crop(TEXT_BOX)
    white = _decode(_render(TagColour.WHITE, "24 HOURS")).crop(TEXT_BOX)
    near_white = sum(n for n, px in black.getcolors(1 << 20) if min(px) >= 235)
    near_black = sum(n for n, px in white.getcolors(1 << 20) if max(px) <= 60)
    assert near_white > 1500
    assert near_black > 1500


@pytest.mark.parametrize("colour", list(TagColour))
def test_text_meets_wcag_aa_contrast_on_every_tag(colour: TagColour) -> None:
    crop = _decode(_render(colour, "6 MONTHS")).crop(TEXT_BOX)
    # The text fill is the commonest colour in the text box that is far from the tag colour.
    counts = Counter(
        {px: n for n, px in crop.getcolors(1 << 20) if not _near(px, colour.value, 60)}
    )
    ink, n = counts.most_common(1)[0]
    assert n > 800
    assert _contrast(ink, colour.value) >= 4.5


def test_accented_text_is_folded_to_ascii_and_emoji_dropped() -> None:
    folded = render_milestone_tag("1 AÑO", "Café 🎉 niño", TagColour.GLOW)
    assert folded == render_milestone_tag("1 ANO", "Cafe niño", TagColour.GLOW)
    assert folded == render_milestone_tag("1 ANO", "Cafe nino", TagColour.GLOW)


def test_long_text_is_shrunk_and_stays_inside_the_tag() -> None:
    png = render_milestone_tag("W" * 20, "M" * 60, TagColour.WHITE)
    image = _decode(png)
    assert image.size == SIZE
    # Dark text pixels exist, and none spill past the text area onto the rim or background.
    dark = [
        (x, y) for x in range(SIZE[0]) for y in range(SIZE[1]) if max(image.getpixel((x, y))) < 90
    ]
    assert len(dark) > 1000
    assert all(TEXT_BOX[0] - 4 <= x <= TAG_BOX[2] - 14 and 60 < y < 240 for x, y in dark)


def _ink_bbox(png: bytes) -> tuple[int, int, int, int]:
    """Bounding box of the dark text drawn on a white tag."""
    mask = _decode(png).convert("L").point(lambda v: 255 if v < 90 else 0)
    bbox = mask.getbbox()
    assert bbox is not None
    return bbox


def test_long_headline_is_shrunk_in_full_rather_than_cut() -> None:
    short = _ink_bbox(render_milestone_tag("WWWW", "", TagColour.WHITE))
    long = _ink_bbox(render_milestone_tag("W" * 20, "", TagColour.WHITE))
    # Twenty letters at a smaller size: wider than four, but clearly less tall.
    assert long[2] - long[0] > 1.3 * (short[2] - short[0])
    assert long[3] - long[1] < 0.7 * (short[3] - short[1])


def test_empty_caption_is_allowed() -> None:
    assert render_milestone_tag("24 HOURS", "", TagColour.WHITE) != _render(TagColour.WHITE)


@pytest.mark.parametrize("headline", ["", "   ", "🎉🎉"])
def test_empty_headline_is_rejected(headline: str) -> None:
    with pytest.raises(ValueError, match="headline"):
        render_milestone_tag(headline, "caption", TagColour.WHITE)


def test_concurrent_renders_match() -> None:
    expected = _render(TagColour.RED)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: _render(TagColour.RED), range(8)))
    assert all(result == expected for result in results)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"days": 0}, TagColour.WHITE),
        ({"days": 1}, TagColour.WHITE),
        ({"days": 7}, TagColour.WHITE),
        ({"days": 29}, TagColour.WHITE),
        ({"days": 30}, TagColour.ORANGE),
        ({"days": 59}, TagColour.ORANGE),
        ({"days": 60}, TagColour.GREEN),
        ({"days": 89}, TagColour.GREEN),
        ({"days": 90}, TagColour.RED),
        ({"days": 179}, TagColour.RED),
        ({"days": 180}, TagColour.BLUE),
        ({"days": 365}, TagColour.GLOW),
        ({"days": 730}, TagColour.BLACK),
        ({"months": 1}, TagColour.ORANGE),
        ({"months": 2}, TagColour.GREEN),
        ({"months": 3}, TagColour.RED),
        ({"months": 5}, TagColour.RED),
        ({"months": 6}, TagColour.BLUE),
        ({"months": 8}, TagColour.BLUE),
        ({"months": 9}, TagColour.YELLOW),
        ({"months": 11}, TagColour.YELLOW),
        ({"months": 12}, TagColour.GLOW),
        ({"months": 17}, TagColour.GLOW),
        ({"months": 18}, TagColour.GREY),
        ({"months": 23}, TagColour.GREY),
        ({"months": 24}, TagColour.BLACK),
        ({"years": 1}, TagColour.GLOW),
        ({"years": 2}, TagColour.BLACK),
        ({"years": 10}, TagColour.BLACK),
    ],
)
def test_tag_colour_table(kwargs: dict[str, int], expected: TagColour) -> None:
    assert tag_colour_for(**kwargs) is expected


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"days": 30, "months": 1},
        {"months": 6, "years": 1},
        {"days": -1},
        {"years": -2},
        {"years": True},
    ],
)
def test_tag_colour_for_rejects_bad_arguments(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError, match=r"exactly one|non-negative"):
        tag_colour_for(**kwargs)


def test_palette_matches_the_named_colours() -> None:
    # Guards against a table typo: each tag's hue must read as its name.
    assert min(TagColour.WHITE.value) >= 250
    assert max(TagColour.BLACK.value) <= 40
    r, g, b = TagColour.RED.value
    assert r > 150 and g < 80 and b < 80
    r, g, b = TagColour.GLOW.value
    assert g > r > b and g > 220  # pale and green-leaning
    assert len({c.value for c in TagColour}) == len(TagColour)
