"""The check-in history chart: a deterministic PNG that draws its data and rejects bad input."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from enum import IntEnum
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from bot.rendering.checkin_chart import (
    CRAVING_COLOUR,
    MOOD_COLOUR,
    ChartDay,
    render_checkin_chart,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The plotting area, below the header/legend and above the date labels.
PLOT_BOX = (96, 80, 840, 370)
START = date(2025, 3, 1)


ValueFn = Callable[[int], int | None]


def _period(n: int, mood: ValueFn | None = None, craving: ValueFn | None = None) -> list[ChartDay]:
    """n consecutive days; mood/craving are callables of the day index (None = no value)."""
    return [
        ChartDay(
            START + timedelta(days=i),
            mood(i) if mood else None,
            craving(i) if craving else None,
        )
        for i in range(n)
    ]


def _mixed(n: int) -> list[ChartDay]:
    # Gaps every fifth day, so both lines and isolated dots are exercised.
    return _period(
        n,
        mood=lambda i: None if i % 5 == 4 else 1 + i % 5,
        craving=lambda i: None if i % 5 == 4 else (i * 3) % 11,
    )


def _decode(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def _count_near(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 12) -> int:
    """Pixels whose every channel is within `tolerance` of `colour`."""
    rgb = image.convert("RGB")
    diff = ImageChops.difference(rgb, Image.new("RGB", rgb.size, colour))
    red, green, blue = diff.split()
    worst = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    return sum(worst.histogram()[: tolerance + 1])


def test_output_is_a_png_of_the_expected_size_and_mode() -> None:
    png = render_checkin_chart(_mixed(30), title="Your check-ins")
    assert png.startswith(PNG_SIGNATURE)
    image = _decode(png)
    assert image.format == "PNG"
    assert image.size == (900, 420)
    assert image.mode == "RGB"


def test_same_input_gives_identical_bytes() -> None:
    first = render_checkin_chart(_mixed(60), title="Your check-ins")
    second = render_checkin_chart(list(_mixed(60)), title="Your check-ins")
    assert first == second


_SUBPROCESS_RENDER = """
import hashlib, sys
from datetime import date, timedelta
from bot.rendering.checkin_chart import ChartDay, render_checkin_chart
days = [ChartDay(date(2025, 3, 1) + timedelta(days=i), 1 + i % 5, i % 11) for i in range(90)]
print(hashlib.sha256(render_checkin_chart(days, title="Your check-ins")).hexdigest())
"""


def test_bytes_are_identical_across_processes() -> None:
    # A fresh interpreter with a different hash seed catches any dependence on set/dict
    # ordering, object ids or time that a same-process comparison could miss.
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", _SUBPROCESS_RENDER],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    days = [ChartDay(START + timedelta(days=i), 1 + i % 5, i % 11) for i in range(90)]
    expected = hashlib.sha256(render_checkin_chart(days, title="Your check-ins")).hexdigest()
    assert result.stdout.strip() == expected


def test_different_data_gives_a_different_image() -> None:
    base = _mixed(30)
    changed = [*base[:10], ChartDay(base[10].day, 5 if base[10].mood != 5 else 1, None), *base[11:]]
    a = _decode(render_checkin_chart(base, title="t"))
    b = _decode(render_checkin_chart(changed, title="t"))
    assert a.tobytes() != b.tobytes()


def test_different_title_gives_a_different_image() -> None:
    assert render_checkin_chart(_mixed(7), title="A") != render_checkin_chart(_mixed(7), title="B")


def test_both_series_colours_appear_when_there_is_data() -> None:
    # Cropped to the plot so the legend swatches alone cannot satisfy this.
    plot = _decode(render_checkin_chart(_mixed(30), title="t")).crop(PLOT_BOX)
    assert _count_near(plot, MOOD_COLOUR) > 200
    assert _count_near(plot, CRAVING_COLOUR) > 200


def test_no_mood_colour_when_all_moods_are_missing() -> None:
    days = _period(30, craving=lambda i: i % 11)
    image = _decode(render_checkin_chart(days, title="t"))
    assert _count_near(image, MOOD_COLOUR, tolerance=40) == 0
    assert _count_near(image, CRAVING_COLOUR) > 200


def test_no_craving_colour_when_no_craving_was_logged() -> None:
    days = _period(30, mood=lambda i: 1 + i % 5)
    image = _decode(render_checkin_chart(days, title="t"))
    assert _count_near(image, CRAVING_COLOUR, tolerance=40) == 0
    assert _count_near(image, MOOD_COLOUR) > 200


def test_empty_period_still_renders_without_series_colours() -> None:
    png = render_checkin_chart(_period(30), title="Your check-ins")
    image = _decode(png)
    assert image.size == (900, 420)
    assert _count_near(image, MOOD_COLOUR, tolerance=40) == 0
    assert _count_near(image, CRAVING_COLOUR, tolerance=40) == 0
    # The gentle message makes it differ from a chart of the same period with data.
    assert png != render_checkin_chart(_mixed(30), title="Your check-ins")


def test_a_lone_check_in_between_gaps_is_visible() -> None:
    days = _period(30, mood=lambda i: 3 if i == 15 else None)
    plot = _decode(render_checkin_chart(days, title="t")).crop(PLOT_BOX)
    assert _count_near(plot, MOOD_COLOUR) > 10


def test_gaps_are_not_bridged_by_a_line() -> None:
    # Mood 3 on the first and last day only: the chart's middle must stay free of mood colour.
    days = _period(7, mood=lambda i: 3 if i in (0, 6) else None)
    image = _decode(render_checkin_chart(days, title="t"))
    middle = image.crop((300, 80, 650, 380))
    assert _count_near(middle, MOOD_COLOUR, tolerance=40) == 0
    assert _count_near(image, MOOD_COLOUR) > 10


@pytest.mark.parametrize("n", [1, 7, 365, 366])
def test_short_and_long_periods_render(n: int) -> None:
    image = _decode(render_checkin_chart(_mixed(n), title="Your check-ins"))
    assert image.size == (900, 420)
    assert _count_near(image, MOOD_COLOUR) > 0


def test_long_title_and_non_ascii_are_handled() -> None:
    png = render_checkin_chart(_mixed(7), title="Café check-ins 🌤️ " + "very long " * 30)
    assert _decode(png).size == (900, 420)


def test_mood_enum_like_int_subclasses_are_accepted() -> None:
    class Mood(IntEnum):
        GOOD = 4

    days = [ChartDay(START, Mood.GOOD, 2)]
    assert render_checkin_chart(days, title="t") == render_checkin_chart(
        [ChartDay(START, 4, 2)], title="t"
    )


@pytest.mark.parametrize(
    "days",
    [
        pytest.param([], id="empty"),
        pytest.param(
            [ChartDay(START, 3, 1), ChartDay(START + timedelta(days=2), 3, 1)], id="skips-a-day"
        ),
        pytest.param(
            [ChartDay(START + timedelta(days=1), 3, 1), ChartDay(START, 3, 1)], id="reversed"
        ),
        pytest.param([ChartDay(START, 3, 1), ChartDay(START, 3, 1)], id="duplicate-day"),
        pytest.param([ChartDay(START, 6, None)], id="mood-6"),
        pytest.param([ChartDay(START, 0, None)], id="mood-0"),
        pytest.param([ChartDay(START, 3, 11)], id="craving-11"),
        pytest.param([ChartDay(START, 3, -1)], id="craving-negative"),
        pytest.param([ChartDay(START, True, None)], id="mood-bool"),
    ],
)
def test_invalid_input_raises_value_error(days: list[ChartDay]) -> None:
    with pytest.raises(ValueError, match="must"):
        render_checkin_chart(days, title="t")
