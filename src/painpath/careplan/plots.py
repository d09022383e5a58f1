"""Progress plots: pain and function over time, and exercise adherence, as SVG text.

Drawn with matplotlib's object API and its SVG backend (no pyplot, no display: safe in a web
server thread), imported lazily so that the plan builder never pays for it. Figures are sized
for a phone (about 360 px wide, 11 pt text) and scale with CSS; text stays text in the SVG
(``svg.fonttype: none``) so it is sharp and searchable. Output is deterministic for the same
data (fixed hash salt, no date metadata), which keeps pages cacheable and tests stable.

Every chart has a text alternative: :func:`progress_rows` gives the same numbers as table rows.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from painpath.careplan.progression import CheckIn

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class ProgressRow:
    """One row of the data table behind the charts (``None`` = not reported)."""

    label: str
    pain_now: int | None
    pain_during: int | None
    pain_next_morning: int | None
    function: float | None
    global_change: int | None
    sessions_done: int | None
    sessions_planned: int | None


def _label(at: str) -> str:
    try:
        return datetime.fromisoformat(at.replace("Z", "+00:00")).strftime("%d %b")
    except ValueError:
        return at[:10]


def progress_rows(
    checkins: Sequence[CheckIn],
    intake_pain: int | None = None,
    *,
    label: Callable[[str], str] | None = None,
) -> list[ProgressRow]:
    """The rows the charts draw: the intake ("Start", pain only) then one per check-in.

    ``label(at)`` turns a check-in's ISO 8601 ``at`` into the row's date as the person reads
    it (the web app passes the clinic's local date); default ``"04 Mar"`` (the day as written).
    """
    label = label or _label
    rows = []
    if intake_pain is not None:
        rows.append(ProgressRow("Start", intake_pain, None, None, None, None, None, None))
    for c in checkins:
        rows.append(
            ProgressRow(
                label(c.at),
                c.pain_now,
                c.pain_during,
                c.pain_next_morning,
                round(c.psfs_mean, 1) if c.psfs_mean is not None else None,
                c.global_change,
                c.sessions_done,
                c.sessions_planned,
            )
        )
    return rows


def _svg(fig: Figure) -> str:
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "painpath"}):
        fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return buf.getvalue()


def _figure() -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5.0, 3.0), dpi=72)
    ax = fig.add_subplot(1, 1, 1)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    return fig, ax


def _date_ticks(ax: Axes, x: Sequence[int], labels: Sequence[str]) -> None:
    # Long dates ("Tuesday, March 3") are slanted so neighbours do not overlap on a phone.
    long = any(len(text) > 8 for text in labels)
    ax.set_xticks(
        list(x),
        list(labels),
        fontsize=10,
        rotation=30 if long else 0,
        ha="right" if long else "center",
    )


def pain_function_svg(rows: Sequence[ProgressRow]) -> str:
    """Line chart (SVG text): pain now, pain during exercise, next-morning pain and function
    (mean PSFS), all 0-10, one point per row. Missing values leave gaps."""
    fig, ax = _figure()
    x = list(range(len(rows)))
    series: list[tuple[str, Sequence[float | None], str, str, str]] = [
        ("Pain now", [r.pain_now for r in rows], "#b3261e", "-", "o"),
        ("Pain during exercise", [r.pain_during for r in rows], "#e08a00", "--", "s"),
        ("Pain next morning", [r.pain_next_morning for r in rows], "#7a4b00", ":", "^"),
        ("Function (PSFS)", [r.function for r in rows], "#1b5e20", "-", "D"),
    ]
    for name, values, color, style, marker in series:
        ys = [float("nan") if v is None else float(v) for v in values]
        if all(v is None for v in values):
            continue
        ax.plot(x, ys, label=name, color=color, linestyle=style, marker=marker, linewidth=2)
    ax.set_ylim(0, 10.3)
    ax.set_yticks([0, 2, 4, 6, 8, 10])
    ax.set_ylabel("0 to 10", fontsize=11)
    _date_ticks(ax, x, [r.label for r in rows])
    ax.set_xlim(-0.3, max(len(rows) - 0.7, 0.7))
    ax.set_title("Pain (lower is better) and function (higher is better)", fontsize=11)
    ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, frameon=False)
    return _svg(fig)


def adherence_svg(rows: Sequence[ProgressRow]) -> str:
    """Bar chart (SVG text): days with exercises done out of the days since the last check-in."""
    fig, ax = _figure()
    shown = [r for r in rows if r.sessions_planned is not None]
    x = list(range(len(shown)))
    planned = [r.sessions_planned or 0 for r in shown]
    done = [r.sessions_done or 0 for r in shown]
    ax.bar(x, planned, color="#e3e3e3", label="Days in the period", width=0.6)
    ax.bar(x, done, color="#1565c0", label="Days with exercises done", width=0.4)
    for i, (d, p) in enumerate(zip(done, planned, strict=True)):
        ax.text(i, d + 0.2, f"{d}/{p}", ha="center", fontsize=10)
    _date_ticks(ax, x, [r.label for r in shown])
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # days are whole numbers
    ax.set_ylim(0, max([*planned, 1]) + 1.5)
    ax.set_title("Exercise days", fontsize=11)
    ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, frameon=False)
    return _svg(fig)
