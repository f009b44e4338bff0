"""Small server-rendered SVG charts (no JavaScript, no CDN). Every label is escaped."""

from __future__ import annotations

from collections import Counter
from datetime import date

from markupsafe import Markup, escape

PALETTE = {"party": "#1f5fbf", "politician": "#7a5af8", "issue": "#0e9384",
           "competitor": "#b54708"}


def _svg(width: int, height: int, body: list[str], label: str) -> Markup:
    """The chart in a box of its own: it fills the box but never shrinks below its natural
    width (class w<width> in app.css), so labels stay at least 11 px; where the box is
    narrower (a phone) the chart scrolls inside it."""
    return Markup(
        f'<div class="chart-box"><svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(label)}" class="chart w{width}">' + "".join(body) + "</svg></div>")


def daily_stacked(per_day: dict[date, Counter], groups: list[str], labels: dict[str, str],
                  title: str) -> Markup:
    """Stacked columns per day, one colour per group, with a legend."""
    days = sorted(per_day)
    width, height, left, bottom, top = 760, 250, 36, 30, 40
    plot_w, plot_h = width - left - 10, height - bottom - top
    peak = max([sum(per_day[d].values()) for d in days] + [1])
    step = plot_w / max(len(days), 1)
    bar = max(step * 0.75, 1)
    body = [f'<text x="{left}" y="14" font-size="12" fill="#667085">{escape(title)}</text>']
    for i, group in enumerate(groups):
        x = left + i * 130
        body.append(f'<rect x="{x}" y="21" width="10" height="10" fill="{PALETTE[group]}"/>'
                    f'<text x="{x + 14}" y="30" font-size="11">{escape(labels[group])}</text>')
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        value = peak * frac
        tick = f"{value:.0f}" if value == int(value) else ""
        body.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" '
                    f'stroke="#e3e6ec"/><text x="{left - 4}" y="{y + 4:.1f}" font-size="11" '
                    f'text-anchor="end" fill="#667085">{tick}</text>')
    label_every = max(1, len(days) // 10)
    for i, day in enumerate(days):
        x = left + i * step + (step - bar) / 2
        y = top + plot_h
        for group in groups:
            n = per_day[day][group]
            if not n:
                continue
            h = plot_h * n / peak
            y -= h
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                        f'fill="{PALETTE[group]}"><title>{day:%d.%m.%Y} '
                        f'{escape(labels[group])}: {n}</title></rect>')
        if i % label_every == 0:
            body.append(f'<text x="{x + bar / 2:.1f}" y="{height - 12}" font-size="11" '
                        f'text-anchor="middle" fill="#667085">{day:%d.%m}</text>')
    return _svg(width, height, body, title)


def horizontal_bars(rows: list[tuple[str, float, str]], title: str,
                    color: str = "#1f5fbf") -> Markup:
    """One bar per (label, value, value shown); the longest bar fills the width."""
    width, row_h, label_w = 480, 24, 150
    height = 24 + row_h * max(len(rows), 1)
    peak = max([value for _, value, _ in rows] + [1e-9])
    body = [f'<text x="0" y="14" font-size="12" fill="#667085">{escape(title)}</text>']
    if not rows:
        body.append('<text x="0" y="40" font-size="12" fill="#667085">–</text>')
    for i, (label, value, shown) in enumerate(rows):
        y = 24 + i * row_h
        w = (width - label_w - 80) * value / peak  # room for the value after the bar
        short = label if len(label) <= 22 else label[:21] + "…"
        body.append(f'<text x="{label_w - 6}" y="{y + 15}" font-size="12" text-anchor="end">'
                    f'{escape(short)}</text>'
                    f'<rect x="{label_w}" y="{y + 4}" width="{max(w, 1):.1f}" height="{row_h - 8}" '
                    f'fill="{color}"><title>{escape(label)}: {escape(shown)}</title></rect>'
                    f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" font-size="11" '
                    f'fill="#344054">{escape(shown)}</text>')
    return _svg(width, height, body, title)


TONE_COLOURS = {"positive": "#17b26a", "neutral": "#98a2b3", "negative": "#d92d20",
                "": "#e3e6ec"}


def tone_bars(rows: list[tuple[str, Counter]], tones: tuple[str, ...], labels: dict[str, str],
              title: str) -> Markup:
    """One bar per row, split by tone in proportion (each bar is 100 %), with the counts in
    the tooltips and the total after the bar; a legend of the tones on top."""
    width, row_h, label_w, top = 480, 24, 150, 40
    height = top + row_h * max(len(rows), 1)
    plot_w = width - label_w - 50
    body = [f'<text x="0" y="14" font-size="12" fill="#667085">{escape(title)}</text>']
    for i, tone in enumerate(tones):
        x = i * 110
        body.append(f'<rect x="{x}" y="21" width="10" height="10" fill="{TONE_COLOURS[tone]}"/>'
                    f'<text x="{x + 14}" y="30" font-size="11">{escape(labels[tone])}</text>')
    if not rows:
        body.append(f'<text x="0" y="{top + 16}" font-size="12" fill="#667085">–</text>')
    for i, (label, counts) in enumerate(rows):
        y = top + i * row_h
        total = sum(counts.get(t, 0) for t in tones)
        short = label if len(label) <= 22 else label[:21] + "…"
        body.append(f'<text x="{label_w - 6}" y="{y + 15}" font-size="12" text-anchor="end">'
                    f'{escape(short)}</text>')
        x = float(label_w)
        for tone in tones:
            n = counts.get(tone, 0)
            if not n:
                continue
            w = plot_w * n / total
            body.append(f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" '
                        f'fill="{TONE_COLOURS[tone]}"><title>{escape(label)}: '
                        f'{escape(labels[tone])} {n}</title></rect>')
            x += w
        body.append(f'<text x="{label_w + plot_w + 6}" y="{y + 15}" font-size="11" '
                    f'fill="#344054">{total}</text>')
    return _svg(width, height, body, title)
