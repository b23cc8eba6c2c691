"""Coverage charts drawn on the server: geometry here, the template writes the SVG around it.

No JavaScript and no external service: a company page shows its articles per month as a bar
chart whose bars, axis marks and text alternative are computed here and rendered by
``templates/articles/_coverage_chart.html``. The repeated elements (a bar and a table row per
month: 240 of each for twenty years) are written here, as markup (``bars_svg``,
``table_rows``): the template engine spends about 10 µs on each variable it writes, and they
held two thousand of them, 25 ms for the most covered companies.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from .links import month_url
from .templatetags.archive import month_name

# A few months of coverage must not draw bars as wide as the chart.
MAX_BAR_WIDTH = 32


@dataclass(frozen=True)
class Bar:
    month: date
    count: int
    x: float
    y: float
    width: float
    height: float

    @property
    def label(self) -> str:
        return month_name(self.month)

    @property
    def archive_url(self) -> str:
        return month_url(self.month.year, self.month.month)


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class YearMark:
    year: int
    x: float


@dataclass
class MonthlyChart:
    """A bar per month from the first to the last month with coverage (empty months included)."""

    width: int
    height: int
    plot_left: int
    plot_bottom: int
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    years: list[YearMark] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(bar.count for bar in self.bars)

    @property
    def peak(self) -> Bar:
        return max(self.bars, key=lambda bar: (bar.count, bar.month))

    @property
    def first(self) -> date:
        return self.bars[0].month

    @property
    def last(self) -> date:
        return self.bars[-1].month

    @property
    def busy_months(self) -> list[Bar]:
        """The months with at least one article, for the table that repeats the chart in text."""
        return [bar for bar in self.bars if bar.count]

    def bars_svg(self) -> SafeString:
        """A ``<rect>`` per month with articles, titled with the month and its count."""
        return mark_safe(
            "\n".join(
                f'<rect x="{bar.x}" y="{bar.y}" width="{bar.width}" height="{bar.height}">'
                f"<title>{escape(bar.label)}\u202f: {bar.count} article{'s' if bar.count > 1 else ''}</title></rect>"
                for bar in self.busy_months
            )
        )

    def table_rows(self) -> SafeString:
        """A table row per month with articles: the month, linked to its archive, and the count."""
        return mark_safe(
            "".join(
                f'<tr><th scope="row"><a href="{escape(bar.archive_url)}">{escape(capfirst(bar.label))}</a></th>'
                f"<td>{bar.count}</td></tr>"
                for bar in self.busy_months
            )
        )


def month_range(first: date, last: date) -> list[date]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def nice_step(peak: int) -> int:
    """A round step for the vertical axis: at most four marks above zero."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if peak / step <= 4:
            return step
    return max(1, peak // 4)


def monthly_chart(counts: dict[date, int], *, width: int = 560, height: int = 170) -> MonthlyChart | None:
    """Lay out a bar chart of ``counts`` (first day of month -> number of articles).

    Returns None when there is nothing to draw.
    """
    counts = {month.replace(day=1): n for month, n in counts.items() if n}
    if not counts:
        return None
    months = month_range(min(counts), max(counts))
    plot_left, plot_top, plot_bottom, plot_right = 36, 10, height - 24, width - 8
    plot_width, plot_height = plot_right - plot_left, plot_bottom - plot_top
    step = nice_step(max(counts.values()))
    top_value = step * -(-max(counts.values()) // step)  # the peak rounded up to a whole step

    slot = plot_width / len(months)
    gap = min(slot * 0.2, 4)
    chart = MonthlyChart(width=width, height=height, plot_left=plot_left, plot_bottom=plot_bottom)
    for index, month in enumerate(months):
        count = counts.get(month, 0)
        bar_height = plot_height * count / top_value
        chart.bars.append(
            Bar(
                month=month,
                count=count,
                x=round(plot_left + index * slot + gap / 2, 2),
                y=round(plot_bottom - bar_height, 2),
                width=round(min(max(slot - gap, 1), MAX_BAR_WIDTH), 2),
                height=round(bar_height, 2),
            )
        )
        if index == 0 or month.month == 1:
            chart.years.append(YearMark(year=month.year, x=round(plot_left + index * slot, 2)))
    chart.ticks = [
        Tick(value=value, y=round(plot_bottom - plot_height * value / top_value, 2))
        for value in range(0, top_value + 1, step)
    ]
    # Year labels closer than 40 px would overlap. Januaries win over the label of the first,
    # partial year, which only stays if it fits before the first January.
    kept: list[YearMark] = []
    for mark in reversed(chart.years):
        if not kept or kept[-1].x - mark.x >= 40:
            kept.append(mark)
    chart.years = kept[::-1]
    return chart
