"""Standalone HTML pages: inline CSS, no scripts, every piece of text escaped.

Feedback and reports are opened from a disk, mailed or uploaded to an LMS, so a page must
carry its own style and must not run anything a student typed.
"""

from __future__ import annotations

from html import escape

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 60rem; padding: 0 1rem; color: #1a1a1a; line-height: 1.45; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
.meta { color: #555; margin-top: 0; }
.score { font-size: 1.2rem; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; font-size: .95rem; }
th, td { border-bottom: 1px solid #ddd; padding: .35rem .5rem; text-align: left;
         vertical-align: top; }
th { background: #f4f4f4; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.id { white-space: nowrap; }
.formula { font-family: "Latin Modern Math", "STIX Two Math", Cambria, serif; font-style: italic; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: .9em; }
.status { font-weight: 600; white-space: nowrap; }
.correct { color: #1b7f3b; } .ecf { color: #0b7285; } .partial { color: #b54708; } .incorrect { color: #b42318; }
.missing { color: #8a6d00; } .invalid { color: #8e24aa; }
.error { border-left: 4px solid #8e24aa; padding: .5rem 1rem; background: #faf5fb; }
.legend span { display: inline-block; margin-right: 1rem; }
.swatch { display: inline-block; width: .8rem; height: .8rem; margin-right: .3rem;
          vertical-align: middle; }
"""


def esc(text) -> str:
    return escape("" if text is None else str(text), quote=True)


def page(title: str, body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f"{body}\n</body>\n</html>\n")
