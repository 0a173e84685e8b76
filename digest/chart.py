"""The digest's chart: the week's documents by kind, drawn with matplotlib.

A reader of the printed Báo cáo must understand the chart without the table
beside it, so it carries a Vietnamese title, labelled axes and each bar's
value. matplotlib draws off-screen (the Agg backend: no display on the office
server) in the Liberation fonts the Makefile installs (fonts-liberation2),
Times-metric like the document's body; matplotlib's own DejaVu font (which has
every Vietnamese letter too) stands in where they are missing.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

PALETTE = ((31, 78, 121), (192, 80, 77), (155, 187, 89), (128, 100, 162), (75, 172, 198),
           (247, 150, 70), (44, 77, 117), (119, 44, 42), (95, 117, 48), (77, 59, 98))
FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
FONT_FAMILY = "Liberation Serif"
WIDTH_MM, HEIGHT_MM, DPI = 150, 80, 200


@cache
def _pyplot():
    """pyplot with the Agg backend and the Liberation fonts registered, loaded once and only when a
    digest is drawn (matplotlib costs a few hundred milliseconds to import)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager, pyplot

    fonts = sorted(FONT_DIR.glob("LiberationSerif-*.ttf"))
    if fonts:  # version 1 of the family (fonts-liberation) lacks Vietnamese letters in bold: only version 2
        manager = font_manager.fontManager
        manager.ttflist = [f for f in manager.ttflist if f.name != FONT_FAMILY]
        for font in fonts:
            manager.addfont(str(font))
    family = [FONT_FAMILY] if fonts else []
    pyplot.rcParams.update({"font.family": [*family, "DejaVu Sans"], "font.size": 11,
                            "svg.hashsalt": "vanthu", "axes.spines.top": False, "axes.spines.right": False})
    return pyplot


def font_used() -> str:
    """The family the chart's text is set in (a test checks it is Liberation where installed)."""
    return _pyplot().rcParams["font.family"][0]


def bar_chart(labels: list[str], values: list[int], title: str, x_label: str, y_label: str) -> bytes:
    """A PNG of one bar per label (colours of ``PALETTE``, in order), its value written on it."""
    pyplot = _pyplot()
    figure, axes = pyplot.subplots(figsize=(WIDTH_MM / 25.4, HEIGHT_MM / 25.4), dpi=DPI)
    try:
        colours = [tuple(c / 255 for c in PALETTE[i % len(PALETTE)]) for i in range(len(values))]
        bars = axes.bar(range(len(values)), values, color=colours, width=0.6)
        axes.bar_label(bars, labels=[str(v) for v in values], padding=2, fontweight="bold")
        axes.set_xticks(range(len(values)), labels)
        axes.set_title(title, fontweight="bold")
        axes.set_xlabel(x_label)
        axes.set_ylabel(y_label)
        top = max(values, default=0)
        axes.set_ylim(0, max(top * 1.2, 1))
        axes.yaxis.get_major_locator().set_params(integer=True)  # documents are counted whole
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", metadata={"Software": None})
        return buffer.getvalue()
    finally:
        pyplot.close(figure)
