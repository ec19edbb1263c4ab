"""Horizontal bar charts drawn on the server as SVG (templates/partials/hbar_chart.html).

No JavaScript: each chart is plain geometry plus words. Every bar has its label and number written
next to it, the SVG carries a <title> and a <desc> that lists the numbers, and the page shows the
same numbers in a table, so nothing depends on colour or on seeing the picture.
"""

from dataclasses import dataclass, field

WIDTH = 360  # small enough that the labels stay readable on a 390 px phone
ROW_HEIGHT = 46
LABEL_GAP = 6  # between a row's label line and its bar
BAR_HEIGHT = 18
TOP = 8
LEGEND_HEIGHT = 26


@dataclass
class ChartRow:
    text: str  # the label line, with the number in words
    text_y: float
    x: float
    y: float
    width: float  # the whole bar
    filled: float  # the solid part (the rest is hatched); equal to width for a plain bar
    height: float = BAR_HEIGHT
    text_x: float = 0
    anchor: str = "start"  # "middle" for centred labels (the funnel)

    @property
    def rest_x(self):
        return self.x + self.filled

    @property
    def rest(self):
        return self.width - self.filled


@dataclass
class Chart:
    title: str
    description: str
    rows: list
    width: int = WIDTH
    height: int = 0
    legend: list = field(default_factory=list)  # (look, label): look is "solid" or "hatched"
    legend_y: float = 0
    track: bool = False  # draw each bar's full-width track (for a share of a whole)


def _scale(value, largest, room):
    return round(room * value / largest, 1) if largest else 0.0


def _layout(lines, *, legend=(), centred=False):
    """Place rows of (text, x, width, filled) under an optional legend; return rows and the height."""
    top = TOP + (LEGEND_HEIGHT if legend else 0)
    rows = []
    for i, (text, x, width, filled) in enumerate(lines):
        text_y = top + i * ROW_HEIGHT + 14
        rows.append(ChartRow(text=text, text_y=text_y, x=x, y=text_y + LABEL_GAP, width=width, filled=filled,
                             text_x=WIDTH / 2 if centred else 0, anchor="middle" if centred else "start"))
    return rows, top + len(lines) * ROW_HEIGHT


def _pct_text(value):
    return "—" if value is None else f"{value:g}%"


def bar_chart(items, *, title):
    """``items``: [(label, count)]; bars scaled to the largest count."""
    largest = max((n for _, n in items), default=0)
    lines = []
    for label, n in items:
        width = _scale(n, largest, WIDTH)
        lines.append((f"{label}: {n}", 0, width, width))
    rows, height = _layout(lines)
    description = "; ".join(f"{label}: {n}" for label, n in items) + "."
    return Chart(title=title, description=description, rows=rows, height=height)


def funnel_chart(funnel):
    """The pathway funnel: one centred bar per step, narrowing as patients drop out."""
    steps = funnel.steps
    largest = max((s.patients for s in steps), default=0)
    lines = []
    for s in steps:
        width = _scale(s.patients, largest, WIDTH)
        lines.append((f"{s.number}. {s.label}: {s.patients}", round((WIDTH - width) / 2, 1), width, width))
    rows, height = _layout(lines, centred=True)
    parts = [f"step {s.number}, {s.label}: {s.patients} ({_pct_text(s.share_of_first)} of step 1)" for s in steps]
    description = ("Patients at each step of the pathway, each step counting those who also reached every "
                   "step before it: " + "; ".join(parts) + ".")
    return Chart(title="Pathway funnel: patients who reached each step", description=description, rows=rows,
                 height=height)


def share_chart(attendance):
    """One bar on a full-width track: the share of patients on MAUD who attended a meeting."""
    filled = _scale(attendance.attended, attendance.on_maud, WIDTH)
    text = (f"{attendance.attended} of {attendance.on_maud} patients on MAUD attended "
            f"({_pct_text(attendance.share)})")
    rows, height = _layout([(text, 0, WIDTH if attendance.on_maud else 0, filled)])
    return Chart(title="Patients on MAUD who attended a mutual-support meeting in 30 days",
                 description=text + ".", rows=rows, height=height, track=True)


def split_bar_chart(items, *, title, solid_label="Resolved", hatched_label="Not resolved"):
    """``items``: [(label, part, whole)]: bars scaled to the largest whole, the part drawn solid."""
    largest = max((whole for _, _, whole in items), default=0)
    lines = []
    for label, part, whole in items:
        width = _scale(whole, largest, WIDTH)
        filled = _scale(part, largest, WIDTH)
        lines.append((f"{label}: {part} of {whole} resolved", 0, width, filled))
    legend = [("solid", solid_label), ("hatched", hatched_label)]
    rows, height = _layout(lines, legend=legend)
    description = ("; ".join(f"{label}: {whole} noted, {part} resolved" for label, part, whole in items)
                   or "No barriers were noted in the period") + "."
    return Chart(title=title, description=description, rows=rows, height=height, legend=legend, legend_y=TOP + 12)
