"""The coverage chart's geometry: one bar per month, empty months kept, round axis marks."""

from datetime import date

from articles.charts import month_range, monthly_chart, nice_step


def test_month_range_crosses_years():
    """Months run from the first to the last inclusive, across a new year."""
    assert month_range(date(2024, 11, 1), date(2025, 2, 1)) == [
        date(2024, 11, 1),
        date(2024, 12, 1),
        date(2025, 1, 1),
        date(2025, 2, 1),
    ]


def test_chart_has_a_bar_per_month_with_heights_proportional_to_counts():
    """Empty months get a zero-height bar and the tallest month reaches the top mark."""
    chart = monthly_chart({date(2024, 1, 1): 4, date(2024, 3, 1): 2})
    assert [bar.count for bar in chart.bars] == [4, 0, 2]
    assert chart.bars[1].height == 0
    assert chart.bars[0].height == 2 * chart.bars[2].height
    assert chart.bars[0].y == chart.ticks[-1].y
    assert [tick.value for tick in chart.ticks] == [0, 1, 2, 3, 4]
    assert (chart.total, chart.peak.month, chart.first, chart.last) == (
        6,
        date(2024, 1, 1),
        date(2024, 1, 1),
        date(2024, 3, 1),
    )
    assert [bar.month for bar in chart.busy_months] == [date(2024, 1, 1), date(2024, 3, 1)]


def test_bars_stay_inside_the_chart_and_years_are_labelled_once():
    """Over ten years every bar stays inside the drawing and each year label appears at most once."""
    counts = {date(2015 + i // 12, i % 12 + 1, 1): (i % 7 + 1 if i else 0) for i in range(120)}
    chart = monthly_chart(counts, width=560, height=170)
    assert len(chart.bars) == 119  # from February 2015 (January has 0) to December 2024
    for bar in chart.bars:
        assert chart.plot_left <= bar.x and bar.x + bar.width <= chart.width
        assert 0 <= bar.y <= chart.plot_bottom
    years = [mark.year for mark in chart.years]
    assert years == sorted(set(years)) and years[0] == 2015


def test_nothing_to_draw_gives_none():
    """A company with no public article has no chart."""
    assert monthly_chart({}) is None
    assert monthly_chart({date(2024, 1, 1): 0}) is None


def test_axis_steps_are_round():
    """The vertical axis counts in round steps with at most four marks above zero."""
    assert [nice_step(peak) for peak in (1, 4, 5, 9, 17, 40, 180)] == [1, 1, 2, 5, 5, 10, 50]


def test_a_partial_first_year_never_hides_the_next_years_label():
    """Coverage starting in November 2022 labels 2023 at its January rather than 2022 at two months' width."""
    counts = {date(2022, 11, 1): 1, date(2025, 10, 1): 1}
    years = [mark.year for mark in monthly_chart(counts).years]
    assert years[:2] == [2023, 2024] and years[-1] == 2025


def test_bars_and_table_rows_are_written_for_busy_months_only(db):
    """Each month with articles gets a titled bar and a table row linking to its archive; empty
    months get neither, and one article is not written in the plural."""
    chart = monthly_chart({date(2024, 1, 1): 4, date(2024, 3, 1): 1})
    svg, rows = chart.bars_svg(), chart.table_rows()
    assert svg.count("<rect ") == 2
    assert "<title>janvier 2024\u202f: 4 articles</title>" in svg
    assert "<title>mars 2024\u202f: 1 article</title>" in svg
    assert "février" not in svg + rows
    assert '<a href="/archives/2024/03/">Mars 2024</a></th><td>1</td>' in rows
