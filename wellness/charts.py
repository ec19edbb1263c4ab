"""Server-rendered SVG line charts for recovery-capital trends: no JavaScript, prints as it shows.

``line_chart`` turns dated scores into plain geometry (coordinates, ticks, reference lines) that the
template ``wellness/_line_chart.html`` draws. Points are placed by date, so a month between two
assessments looks like a month.
"""

from dataclasses import dataclass, field

from django.utils.formats import date_format


@dataclass
class ChartPoint:
    x: float
    y: float
    value: float
    label: str


@dataclass
class ReferenceLine:
    y: float
    label: str


@dataclass
class Chart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    points: list
    y_ticks: list
    x_ticks: list
    references: list = field(default_factory=list)
    title: str = ""
    description: str = ""

    @property
    def polyline(self):
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def plot_right(self):
        return self.width - self.right

    @property
    def plot_bottom(self):
        return self.height - self.bottom


def _nice_step(span, target_ticks):
    raw = span / max(target_ticks, 1)
    for step in (1, 2, 5, 10, 20, 25, 50, 100):
        if step >= raw:
            return step
    return 100


#: How wide a date label is, per character, in the chart's own units (font-size 11), and the room kept between two.
LABEL_CHAR_WIDTH = 6.4
LABEL_GAP = 8


def _extent(x, label, anchor):
    width = len(label) * LABEL_CHAR_WIDTH
    start = x if anchor == "start" else x - width if anchor == "end" else x - width / 2
    return start, start + width


def date_labels(points):
    """(x, label, anchor) for the assessments' dates that fit without touching: the first (anchored at its start,
    inside the picture) and the last (anchored at its end) always; between them each date whose label clears the
    one before and the last one. The chart is scaled as a whole, so what fits here fits at any screen width."""
    if not points:
        return []
    if len(points) == 1:
        return [(points[0].x, points[0].label, "middle")]
    first, last = points[0], points[-1]
    kept = [(first.x, first.label, "start")]
    last_start = _extent(last.x, last.label, "end")[0]
    for p in points[1:-1]:
        start, end = _extent(p.x, p.label, "middle")
        if start >= _extent(*kept[-1])[1] + LABEL_GAP and end + LABEL_GAP <= last_start:
            kept.append((p.x, p.label, "middle"))
    if last_start >= _extent(*kept[-1])[1] + LABEL_GAP:
        kept.append((last.x, last.label, "end"))
    elif len(kept) == 1:  # two dates too close for both: the latest one says more
        kept = [(last.x, last.label, "end")]
    return kept


def line_chart(series, *, y_min, y_max, title, references=(), width=640, height=220, y_ticks=5):
    """``series``: [(date, value)] oldest first; ``references``: [(value, label)] drawn as dashed lines."""
    left, right, top, bottom = 44, 16, 14, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    span = (y_max - y_min) or 1

    def y_of(value):
        value = min(max(value, y_min), y_max)
        return top + plot_h - (value - y_min) / span * plot_h

    dates = [d for d, _ in series]
    first, last = (min(dates), max(dates)) if dates else (None, None)
    days = (last - first).days if dates else 0

    def x_of(day):
        if not days:
            return left + plot_w / 2
        return left + (day - first).days / days * plot_w

    points = [ChartPoint(x_of(d), y_of(v), v, date_format(d, "DATE_FORMAT")) for d, v in series]
    step = _nice_step(span, y_ticks)
    start = y_min if y_min % step == 0 else y_min + (step - y_min % step)
    values = [v for v in range(int(start), int(y_max) + 1, step) if min(v - y_min, y_max - v) >= step * 0.4]
    ticks = [(y_of(v), v) for v in [y_min, *values, y_max]]  # the ends of the range are always labelled
    x_ticks = date_labels(points)
    description = "; ".join(f"{p.label}: {p.value:g}" for p in points)
    return Chart(
        width=width, height=height, left=left, right=right, top=top, bottom=bottom, points=points,
        y_ticks=ticks, x_ticks=x_ticks, references=[ReferenceLine(y_of(v), label) for v, label in references],
        title=title, description=description,
    )
