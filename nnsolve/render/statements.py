"""Problem statements (Markdown with `$…$` math) as HTML with MathML, and as LaTeX.

Statements come from problem files, so they are text to show, never markup to trust: raw HTML
is escaped, images (which would load from the network) stay text, and the math is translated
from a small TeX subset — letters, numbers, operators, sub- and superscripts, \\frac, \\sqrt,
Greek letters and the usual symbols — with anything else shown as written.
"""

from __future__ import annotations

import re
from html import escape

from markdown_it import MarkdownIt

from nnsolve.derivation.texescape import GREEK

#: `$$display$$` or `$inline$` (not `\$`, not opening on a space, not `$5 and $10`)
_MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$(?![\s$])((?:[^$\\]|\\.)+?)(?<!\s)\$(?!\d)", re.S)
_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")

#: TeX commands that read or write files or redefine things; math holding one is shown as text
_UNSAFE_TEX = re.compile(r"\\(input|include|write|openout|openin|read|immediate|catcode|def|"
                         r"edef|gdef|xdef|let|newcommand|renewcommand|csname|usepackage|"
                         r"special|directlua|end|begin|makeatletter)(?![A-Za-z])")

HEADING_SHIFT = 3  # a statement's `# heading` sits below the problem's and the part's own


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).disable(["image"])


def _split_math(markdown: str) -> tuple[str, list[tuple[str, bool]]]:
    """The Markdown with each math span replaced by a placeholder, and the spans."""
    spans: list[tuple[str, bool]] = []

    def keep(match: re.Match) -> str:
        display = match.group(1) is not None
        spans.append((match.group(1) if display else match.group(2), display))
        return f"\ue000{len(spans) - 1}\ue001"

    return _MATH.sub(keep, markdown), spans


# -- HTML ----------------------------------------------------------------------------------

def to_html(markdown: str) -> str:
    text, spans = _split_math(markdown)
    md = _parser()
    tokens = md.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + HEADING_SHIFT)}"
    html = md.renderer.render(tokens, md.options, {})

    def math(match: re.Match) -> str:
        tex, display = spans[int(match.group(1))]
        return tex_mathml(tex, display=display)

    return _PLACEHOLDER.sub(math, html)


def tex_mathml(tex: str, *, display: bool = False) -> str:
    """A `<math>` element for a TeX formula of the supported subset."""
    tokens = _TOKEN.findall(tex)
    items, _ = _TexParser(tokens).group(0, None)
    attributes = ' display="block"' if display else ""
    return f"<math{attributes}><mrow>{''.join(items)}</mrow></math>"


_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|[A-Za-z]|[0-9]+(?:\.[0-9]+)?|\s+|.", re.S)

_IDENTIFIERS = {**GREEK, "infty": "∞", "partial": "∂", "nabla": "∇", "ell": "ℓ"}
_OPERATORS = {
    "times": "×", "cdot": "·", "pm": "±", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥",
    "ne": "≠", "neq": "≠", "approx": "≈", "sim": "∼", "equiv": "≡", "to": "→",
    "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒", "mapsto": "↦", "in": "∈",
    "notin": "∉", "subset": "⊂", "cup": "∪", "cap": "∩", "sum": "∑", "prod": "∏",
    "int": "∫",
    "ldots": "…", "cdots": "⋯", "dots": "…", "vdots": "⋮", "odot": "⊙", "otimes": "⊗",
    "oplus": "⊕", "circ": "∘", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉",
    "langle": "⟨", "rangle": "⟩", "mid": "∣", "|": "‖", "{": "{", "}": "}", "top": "⊤",
    "forall": "∀", "exists": "∃", "setminus": "∖", "ast": "∗", "star": "⋆", "div": "÷"}
_SIGNS = {"-": "−", "+": "+"}
_FUNCTIONS = {"exp", "log", "ln", "max", "min", "tanh", "sin", "cos", "tan", "arg", "argmax",
              "argmin", "softmax", "sign", "det", "dim"}
_SPACES = {",": "0.17em", ":": "0.22em", ";": "0.28em", "quad": "1em", "qquad": "2em",
           " ": "0.25em", "!": "0em"}
_TEXT_COMMANDS = {"text", "textrm", "mathrm", "operatorname", "mathit", "mathbf", "textbf",
                  "mathsf", "texttt", "mathtt", "mathcal", "mathbb"}
_VARIANTS = {"mathbf": "bold", "textbf": "bold", "mathit": "italic", "mathcal": "script",
             "mathbb": "double-struck", "mathsf": "sans-serif", "mathtt": "monospace",
             "texttt": "monospace"}


def _element(tag: str, content: str, **attributes: str) -> str:
    attrs = "".join(f' {k}="{escape(v)}"' for k, v in attributes.items())
    return f"<{tag}{attrs}>{content}</{tag}>"


class _TexParser:
    def __init__(self, tokens: list[str]):
        self.tokens = tokens

    def group(self, pos: int, closing: str | None) -> tuple[list[str], int]:
        """Items up to `closing` (or the end), with sub- and superscripts attached."""
        items: list[str] = []
        while pos < len(self.tokens):
            token = self.tokens[pos]
            if token == closing:
                return items, pos + 1
            if token in ("_", "^"):
                item, pos = self._scripts(items.pop() if items else "<mrow></mrow>", pos)
                items.append(item)
                continue
            if token in ("-", "+") and (not items or items[-1].startswith("<mo")):
                operand, pos = self.argument(pos + 1)  # a sign, not an operation: −1
                items.append(_element("mrow", _element("mo", _SIGNS[token]) + operand))
                continue
            item, pos = self.one(pos)
            if item:
                items.append(item)
        return items, pos

    def _scripts(self, base: str, pos: int) -> tuple[str, int]:
        scripts: dict[str, str] = {}
        while pos < len(self.tokens) and self.tokens[pos] in ("_", "^") \
                and self.tokens[pos] not in scripts:
            mark = self.tokens[pos]
            scripts[mark], pos = self.argument(pos + 1)
        if "_" in scripts and "^" in scripts:
            return _element("msubsup", base + scripts["_"] + scripts["^"]), pos
        if "_" in scripts:
            return _element("msub", base + scripts["_"]), pos
        return _element("msup", base + scripts["^"]), pos

    def argument(self, pos: int) -> tuple[str, int]:
        """The next item (skipping spaces) as one element: a braced group or one token."""
        while pos < len(self.tokens) and self.tokens[pos].isspace():
            pos += 1
        if pos >= len(self.tokens):
            return "<mrow></mrow>", pos
        if self.tokens[pos] == "{":
            items, pos = self.group(pos + 1, "}")
            return _element("mrow", "".join(items)), pos
        item, pos = self.one(pos)
        return item or "<mrow></mrow>", pos

    def _raw_group(self, pos: int) -> tuple[str, int]:
        """The literal text of a braced group (for \\text{...})."""
        while pos < len(self.tokens) and self.tokens[pos].isspace():
            pos += 1
        if pos >= len(self.tokens) or self.tokens[pos] != "{":
            return (self.tokens[pos] if pos < len(self.tokens) else ""), pos + 1
        depth, start = 1, pos + 1
        pos += 1
        while pos < len(self.tokens) and depth:
            depth += {"{": 1, "}": -1}.get(self.tokens[pos], 0)
            pos += 1
        return "".join(self.tokens[start:pos - 1 if depth == 0 else pos]), pos

    def one(self, pos: int) -> tuple[str, int]:
        token = self.tokens[pos]
        pos += 1
        if token.isspace():
            return "", pos
        if token == "{":
            items, pos = self.group(pos, "}")
            return _element("mrow", "".join(items)), pos
        if token.startswith("\\"):
            return self._command(token[1:], pos)
        if token.isalpha():
            return _element("mi", escape(token)), pos
        if token[0].isdigit():
            return _element("mn", token), pos
        if token == "}":
            return "", pos
        return _element("mo", escape(_SIGNS.get(token, token))), pos

    def _command(self, name: str, pos: int) -> tuple[str, int]:
        if name == "frac":
            numerator, pos = self.argument(pos)
            denominator, pos = self.argument(pos)
            return _element("mfrac", numerator + denominator), pos
        if name == "sqrt":
            radicand, pos = self.argument(pos)
            return _element("msqrt", radicand), pos
        if name in ("left", "right", "big", "Big", "bigl", "bigr", "displaystyle"):
            return "", pos
        if name in _TEXT_COMMANDS:
            text, pos = self._raw_group(pos)
            if name.startswith("text"):
                return _element("mtext", escape(text), **(
                    {"mathvariant": _VARIANTS[name]} if name in _VARIANTS else {})), pos
            return _element("mi", escape(text), mathvariant=_VARIANTS.get(name, "normal")), pos
        if name in _IDENTIFIERS:
            return _element("mi", _IDENTIFIERS[name]), pos
        if name in _OPERATORS:
            return _element("mo", escape(_OPERATORS[name])), pos
        if name in _FUNCTIONS:
            return _element("mi", name, mathvariant="normal"), pos
        if name in _SPACES:
            return f'<mspace width="{_SPACES[name]}"></mspace>', pos
        return _element("mtext", escape("\\" + name)), pos


# -- LaTeX ---------------------------------------------------------------------------------

def to_latex(markdown: str, escape_text) -> str:
    """The statement as LaTeX body text; `escape_text` makes plain text safe for LaTeX."""
    text, spans = _split_math(markdown)
    tokens = _parser().parse(text)

    def restore(latex: str) -> str:
        def math(match: re.Match) -> str:
            tex, display = spans[int(match.group(1))]
            if _UNSAFE_TEX.search(tex):
                return r"\texttt{" + escape_text(tex) + "}"
            return rf"\[{tex}\]" if display else f"${tex}$"

        return _PLACEHOLDER.sub(math, latex)

    out: list[str] = []
    for token in tokens:
        kind = token.type
        if kind == "inline":
            out.append(restore(_inline_latex(token.children or [], escape_text)))
        elif kind == "paragraph_close":
            out.append("\n\n")
        elif kind == "heading_open":
            out.append(r"\paragraph*{")
        elif kind == "heading_close":
            out.append("}\n\n")
        elif kind in ("bullet_list_open", "ordered_list_open"):
            out.append(r"\begin{itemize}" if kind == "bullet_list_open" else r"\begin{enumerate}")
            out.append("\n")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            out.append(r"\end{itemize}" if kind == "bullet_list_close" else r"\end{enumerate}")
            out.append("\n\n")
        elif kind == "list_item_open":
            out.append(r"\item ")
        elif kind == "blockquote_open":
            out.append("\\begin{quote}\n")
        elif kind == "blockquote_close":
            out.append("\\end{quote}\n\n")
        elif kind in ("fence", "code_block"):
            lines = restore(token.content).rstrip("\n").split("\n")
            out.append(r"\begin{quote}\ttfamily " + r"\\ ".join(
                escape_text(line) for line in lines) + "\\end{quote}\n\n")
        elif kind == "hr":
            out.append("\\medskip\\hrule\\medskip\n\n")
    return "".join(out).strip() + "\n"


def _inline_latex(children, escape_text) -> str:
    out = []
    links: list[str] = []
    for child in children:
        kind = child.type
        if kind == "text":
            out.append(_escape_keeping_placeholders(child.content, escape_text))
        elif kind == "code_inline":
            out.append(r"\texttt{" + _escape_keeping_placeholders(child.content, escape_text) + "}")
        elif kind in ("em_open", "strong_open"):
            out.append(r"\emph{" if kind == "em_open" else r"\textbf{")
        elif kind in ("em_close", "strong_close"):
            out.append("}")
        elif kind == "link_open":
            links.append(str(child.attrs.get("href", "")))
        elif kind == "link_close":
            out.append(r" (\texttt{" + escape_text(links.pop()) + "})")
        elif kind == "softbreak":
            out.append("\n")
        elif kind == "hardbreak":
            out.append("\\\\\\relax\n")   # \\relax: a next line opening with "[" is text
        else:
            out.append(_escape_keeping_placeholders(child.content, escape_text))
    return "".join(out)


def _escape_keeping_placeholders(text: str, escape_text) -> str:
    parts = _PLACEHOLDER.split(text)
    return "".join(escape_text(part) if i % 2 == 0 else f"\ue000{part}\ue001"
                   for i, part in enumerate(parts))
