"""Template pieces for Stop 5: the engagement chart (the patient page's section is composed in maud_pathways)."""

from django import template

register = template.Library()

CHART_WIDTH = 360
CHART_HEIGHT = 150
CHART_TOP = 22  # room for the numbers above the bars
CHART_BOTTOM = 24  # room for the month names
CHART_MIN_SCALE = 4


def chart_bars(engagement, width=CHART_WIDTH, height=CHART_HEIGHT):
    """Geometry of the monthly bars, scaled to the busiest month (at least ``CHART_MIN_SCALE``)."""
    months = engagement.months
    scale = max(engagement.peak, CHART_MIN_SCALE)
    slot = width / max(len(months), 1)
    bar_width = slot * 0.6
    plot_height = height - CHART_TOP - CHART_BOTTOM
    baseline = height - CHART_BOTTOM
    bars = []
    for i, month in enumerate(months):
        bar_height = plot_height * month.meetings / scale
        x = i * slot + (slot - bar_width) / 2
        bars.append({
            "x": round(x, 1), "y": round(baseline - bar_height, 1), "width": round(bar_width, 1),
            "height": round(bar_height, 1), "center": round(x + bar_width / 2, 1),
            "label_y": round(baseline - bar_height - 6, 1), "meetings": month.meetings, "month": month.month,
        })
    return {"bars": bars, "baseline": baseline, "width": width, "height": height,
            "month_y": height - 6}


@register.inclusion_tag("referrals/_engagement_chart.html")
def engagement_chart(engagement, chart_id="engagement"):
    return {"chart": chart_bars(engagement), "engagement": engagement, "chart_id": chart_id}
