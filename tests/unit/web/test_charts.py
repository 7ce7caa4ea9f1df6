"""Charts stay inside their viewBox, scale to the largest value, and say what they show."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from qorgan.web.charts import HEIGHT, PAD, WIDTH, bar_chart, bar_rects, line_chart, line_points

values = st.lists(st.integers(min_value=0, max_value=10**12), min_size=0, max_size=120)


@given(values)
def test_every_point_of_a_line_is_inside_the_plot(series: list[int]) -> None:
    points = line_points([(str(i), v) for i, v in enumerate(series)])
    assert len(points) == len(series)
    for p in points:
        assert PAD <= p.x <= WIDTH - PAD
        assert PAD <= p.y <= HEIGHT - PAD
    if points and max(series) > 0:
        assert min(p.y for p in points) == PAD  # the peak touches the top margin
    assert [p.x for p in points] == sorted(p.x for p in points)


@given(values)
def test_every_bar_fits_the_chart_and_the_longest_is_the_largest(items: list[int]) -> None:
    rects, height = bar_rects([(f"region {i}", v) for i, v in enumerate(items)])
    for r in rects:
        assert r.x >= 0
        assert r.x + r.width <= WIDTH
        assert r.y >= 0
        assert r.y + r.height <= height
    if rects and max(items) > 0:
        longest = max(rects, key=lambda r: r.width)
        assert longest.value == max(items)


def test_a_line_chart_is_an_accessible_image_with_a_title_per_point() -> None:
    svg = str(line_chart([("1 Jun", 3), ("2 Jun", 5)], "Calls per day", "2 points", "c1"))
    assert svg.startswith('<svg id="c1"')
    assert 'role="img"' in svg
    assert '<title id="c1-t">Calls per day</title>' in svg
    assert 'aria-labelledby="c1-t c1-d"' in svg
    assert svg.count("<circle") == 2
    assert "<title>2 Jun: 5</title>" in svg


def test_a_bar_chart_escapes_its_labels() -> None:
    svg = str(bar_chart([("<script>", 4)], "By region", "x", "b1", lambda v: f"{v} ₸"))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "4 ₸" in svg


def test_an_empty_line_chart_still_has_a_title_and_an_axis() -> None:
    svg = str(line_chart([], "Nothing", "0 points", "e1"))
    assert "<title" in svg
    assert "<line" in svg
    assert not re.search(r"<circle", svg)
