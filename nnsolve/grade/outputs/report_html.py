"""The item-analysis report: a stacked bar per asked quantity (inline SVG) and the table.

The chart is plain SVG written here, so the page needs no plotting library and no script;
hovering a bar segment shows its count through SVG `<title>`.
"""

from __future__ import annotations

from nnsolve.grade.outputs.htmlpage import esc, page
from nnsolve.grade.outputs.wording import wrong_answer
from nnsolve.grade.report import STATUSES

COLOURS = {"correct": "#2e7d32", "ecf": "#66bb6a", "partial": "#f9a825", "incorrect": "#c62828",
           "missing": "#bdbdbd", "invalid": "#8e24aa"}
LABEL_WIDTH = 260
BAR_WIDTH = 480
ROW = 26
BAR = 18


def _item_name(item, several: bool) -> str:
    name = f"{item.part}.{item.name}"
    return f"{item.problem} {name}" if several else name


def chart(items) -> str:
    """Stacked horizontal bars: the share of each status, one bar per quantity."""
    several = len(items.problems) > 1
    rows = list(items)
    height = ROW * len(rows) + 8
    width = LABEL_WIDTH + BAR_WIDTH + 60
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" '
           f'font-family="system-ui, sans-serif" font-size="12">',
           "<title>Share of correct, ecf, partial, incorrect, missing and invalid answers "
           "per quantity</title>"]
    for i, item in enumerate(rows):
        y = 4 + i * ROW
        out.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR - 5}" text-anchor="end">'
                   f'{esc(_item_name(item, several))}</text>')
        x = float(LABEL_WIDTH)
        for status in STATUSES:
            share = item.share(status)
            if share <= 0:
                continue
            w = share * BAR_WIDTH
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAR}" '
                       f'fill="{COLOURS[status]}"><title>{esc(status)}: {item.counts[status]} of '
                       f'{item.n} ({share:.0%})</title></rect>')
            if share >= 0.08:
                colour = "#000" if status in ("missing", "ecf", "partial") else "#fff"
                out.append(f'<text x="{x + w / 2:.1f}" y="{y + BAR - 5}" text-anchor="middle" '
                           f'fill="{colour}">{share:.0%}</text>')
            x += w
        out.append(f'<text x="{LABEL_WIDTH + BAR_WIDTH + 6}" y="{y + BAR - 5}" '
                   f'fill="#555">n={item.n}</text>')
    out.append("</svg>")
    return "\n".join(out)


def legend() -> str:
    return '<p class="legend">' + "".join(
        f'<span><span class="swatch" style="background:{COLOURS[s]}"></span>{s}</span>'
        for s in STATUSES) + "</p>"


def table(items, top: int = 3) -> str:
    several = len(items.problems) > 1
    head = ("<th>problem</th>" if several else "") + "<th>part</th><th>quantity</th>" \
        "<th class=\"num\">n</th>" + "".join(f"<th class=\"num\">{s}</th>" for s in STATUSES) + \
        "<th>most common wrong answers</th>"
    rows = []
    for item in items:
        wrong = "<br>".join(esc(wrong_answer(w)) for w in item.common_wrong(top)) or "—"
        label = f"<br><small>{esc(item.label)}</small>" if item.label else ""
        cells = (f"<td class=\"id\">{esc(item.problem)}</td>" if several else "") + \
            f"<td>{esc(item.part)}</td><td><code>{esc(item.name)}</code>{label}</td>" \
            f"<td class=\"num\">{item.n}</td>" + \
            "".join(f"<td class=\"num {s}\">{item.share(s):.0%}</td>" for s in STATUSES) + \
            f"<td>{wrong}</td>"
        rows.append(f"<tr>{cells}</tr>")
    return (f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows) +
            "\n</tbody>\n</table>")


def item_report(summary) -> str:
    items = summary.items
    title = "Item analysis"
    if items.problems:
        title += ": " + ", ".join(items.problems)
    body = [f"<h1>{esc(title)}</h1>", f"<p class=\"meta\">{esc(summary.line())}</p>"]
    if len(items):
        body += [legend(), chart(items), table(items)]
    else:
        body.append("<p>No submission could be graded, so there is nothing to analyse.</p>")
    return page(title, "\n".join(body))
