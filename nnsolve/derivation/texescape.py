"""Text as LaTeX typesets it literally: labels in a formula (\\text{…}) and every title, label and
note the LaTeX renderer writes. pdflatex's UTF-8 support stops at accented Latin letters, so
the usual Unicode symbols (σ, →, ×, ≈) are spelled as LaTeX commands.
"""

from __future__ import annotations

import unicodedata

#: Greek letters by their TeX names (the statements' TeX subset reads them too)
GREEK = {name: chr(code) for name, code in [
    ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4), ("epsilon", 0x3F5),
    ("varepsilon", 0x3B5), ("zeta", 0x3B6), ("eta", 0x3B7), ("theta", 0x3B8), ("iota", 0x3B9),
    ("kappa", 0x3BA), ("lambda", 0x3BB), ("mu", 0x3BC), ("nu", 0x3BD), ("xi", 0x3BE),
    ("pi", 0x3C0), ("rho", 0x3C1), ("sigma", 0x3C3), ("tau", 0x3C4), ("upsilon", 0x3C5),
    ("phi", 0x3D5), ("varphi", 0x3C6), ("chi", 0x3C7), ("psi", 0x3C8), ("omega", 0x3C9),
    ("Gamma", 0x393), ("Delta", 0x394), ("Theta", 0x398), ("Lambda", 0x39B), ("Xi", 0x39E),
    ("Pi", 0x3A0), ("Sigma", 0x3A3), ("Phi", 0x3A6), ("Psi", 0x3A8), ("Omega", 0x3A9)]}

_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
            "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
            "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}",
            "|": r"\textbar{}"}
_MATH_CHARACTERS = {
    "→": r"\rightarrow", "←": r"\leftarrow", "↔": r"\leftrightarrow", "⇒": r"\Rightarrow",
    "×": r"\times", "·": r"\cdot", "≈": r"\approx", "≤": r"\leq", "≥": r"\geq",
    "≠": r"\neq", "±": r"\pm", "−": "-", "∞": r"\infty", "∂": r"\partial",
    "∇": r"\nabla", "∑": r"\sum", "↦": r"\mapsto",
    "…": r"\ldots", "⋯": r"\cdots", "⋮": r"\vdots", "⋱": r"\ddots", "⊙": r"\odot",
    "⊗": r"\otimes", "★": r"\bigstar", "⌊": r"\lfloor", "⌋": r"\rfloor", "⌈": r"\lceil",
    "⌉": r"\rceil", "∈": r"\in", "√": r"\surd", "²": "^{2}", "³": "^{3}", "¹": "^{1}",
    "⁰": "^{0}", "⁻": "^{-}", "₀": "_{0}", "₁": "_{1}", "₂": "_{2}", "₃": "_{3}",
    "ℓ": r"\ell",
    "⟨": r"\langle", "⟩": r"\rangle", "‖": r"\|", "∘": r"\circ", "⊤": r"\top",
}
_MATH_CHARACTERS.update({char: "\\" + name for name, char in GREEK.items()})
_TEXT_CHARACTERS = {"“": "``", "”": "''", "‘": "`", "’": "'", "–": "--", "—": "---",
                    "\u00a0": "~", "\u202f": r"\,"}


#: combining accents (m̂, x̃) as text-mode accents on the character before them
TEXT_ACCENTS = {"\u0302": "\\^", "\u0303": "\\~", "\u0304": "\\="}


def escape(text: str) -> str:
    """Text as LaTeX typesets it literally."""
    out = []
    for char in str(text):
        if char in TEXT_ACCENTS and out:
            out[-1] = TEXT_ACCENTS[char] + "{" + out[-1] + "}"
        elif char in _SPECIAL:
            out.append(_SPECIAL[char])
        elif char in _MATH_CHARACTERS:
            out.append(r"\ensuremath{" + _MATH_CHARACTERS[char] + "}")
        elif char in _TEXT_CHARACTERS:
            out.append(_TEXT_CHARACTERS[char])
        else:
            out.append(_raised_or_lowered(char))
    return "".join(out)


def _raised_or_lowered(char: str) -> str:
    """A superscript or subscript letter (the ᵀ of QKᵀ) as \\textsuperscript{T}: pdflatex has
    no glyph for the Unicode forms."""
    if char.isascii():
        return char
    kind, _, code = unicodedata.decomposition(char).partition(" ")
    if kind in ("<super>", "<sub>") and code:
        base = escape(chr(int(code, 16)))
        return (r"\textsuperscript{" if kind == "<super>" else r"\textsubscript{") + base + "}"
    return char


def text(label: str) -> str:
    """A label inside math: \\text{…} around its escaped text."""
    return r"\text{" + escape(label) + "}"
