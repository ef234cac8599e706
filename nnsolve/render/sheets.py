"""A student's handout: their name, their numbers, and what they are asked, nothing solved.

One sheet per student of a roster (`nnsolve variant … --roster`), in the three formats a course
hands out: Markdown for an LMS page, a standalone HTML page to print or post, LaTeX for a PDF.
The statement is the student's variant (every `$k` replaced by the number the key is computed
from); the asked quantities are listed by the names a submission uses, with their points.
"""

from __future__ import annotations

from html import escape as html_escape

from nnsolve.derivation.texescape import escape as tex_escape
from nnsolve.render import common, statements
from nnsolve.render.html import FOOT, HEAD, STYLE
from nnsolve.render.latex import PREAMBLE
from nnsolve.render.markdown import escape as md_escape

FORMATS = ("html", "md", "tex")

SHEET_STYLE = """
.student { font-size: 1.1rem; border-bottom: 1px solid var(--rule); padding-bottom: .6rem; }
.asked li { margin: .5rem 0; }
.blank { display: inline-block; min-width: 14rem; border-bottom: 1px dotted var(--muted);
         margin-left: .6rem; }
"""


def sheet(solutions, problem_set, student_name: str, student_id: str, fmt: str) -> str:
    """The handout of one student for the solutions of their variants (one per problem):
    a set's sheet is titled by the set, each problem under its own heading; a single
    problem's sheet is titled by the problem."""
    writer = {"md": _markdown, "html": _html, "tex": _latex}[fmt]
    title = common.document_title(solutions, problem_set)
    return writer(solutions, student_name, student_id, title, problem_set is not None)


def _parts(solution):
    """(heading or None, statement, [(name, points)]) per part, as the student sees them."""
    problem = solution.problem
    for solved in solution.parts:
        heading = common.part_heading(problem, solved.part)
        yield (None if heading == common.SOLUTION else heading, solved.part.statement.strip(),
               [(a.name, common.points_text(a.points)) for a in solved.asked])


def _markdown(solutions, name: str, student_id: str, title: str, headed: bool) -> str:
    out = [f"# {md_escape(title)}", "", f"**Student:** {md_escape(name)} ({md_escape(student_id)})",
           ""]
    for solution in solutions:
        problem = solution.problem
        out += [f"## {md_escape(common.problem_heading(problem))}", ""] if headed else []
        if problem.statement:
            out += [problem.statement.strip(), ""]
        for heading, statement, asked in _parts(solution):
            out += [f"### {md_escape(heading)}", ""] if heading else []
            out += [statement, ""] if statement else []
            out += [f"- `{n}` ({points}):" for n, points in asked] + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def _html(solutions, name: str, student_id: str, title: str, headed: bool) -> str:
    out = [HEAD.format(title=html_escape(f"{title}: {name}"), style=STYLE + SHEET_STYLE),
           f"<header><h1>{html_escape(title)}</h1>",
           f'<p class="student">Student: <strong>{html_escape(name)}</strong> '
           f"({html_escape(student_id)})</p></header>"]
    for solution in solutions:
        problem = solution.problem
        heading = html_escape(common.problem_heading(problem))
        out.append('<article class="problem">' + (f"<h2>{heading}</h2>" if headed else ""))
        if problem.statement:
            out.append(f'<div class="statement">{statements.to_html(problem.statement)}</div>')
        for heading, statement, asked in _parts(solution):
            out += [f"<h3>{html_escape(heading)}</h3>"] if heading else []
            out += [f'<div class="statement">{statements.to_html(statement)}</div>'] \
                if statement else []
            out.append('<ul class="asked">' + "".join(
                f"<li><code>{html_escape(n)}</code> ({points}):<span class=\"blank\"></span></li>"
                for n, points in asked) + "</ul>")
        out.append("</article>")
    out.append(FOOT)
    return "\n".join(out)


def _latex(solutions, name: str, student_id: str, title: str, headed: bool) -> str:
    out = [PREAMBLE, r"\begin{document}",
           r"{\LARGE\bfseries " + tex_escape(title) + r"}\par\medskip",
           r"Student: \textbf{" + tex_escape(name) + "} (" + tex_escape(student_id) + r")\par",
           r"\medskip\hrule", ""]
    for solution in solutions:
        problem = solution.problem
        out += [r"\section*{" + tex_escape(common.problem_heading(problem)) + "}", ""] \
            if headed else []
        if problem.statement:
            out += [statements.to_latex(problem.statement, tex_escape), ""]
        for heading, statement, asked in _parts(solution):
            out += [r"\subsection*{" + tex_escape(heading) + "}"] if heading else []
            out += [statements.to_latex(statement, tex_escape)] if statement else []
            out += [r"\begin{itemize}"] + [
                r"\item \texttt{" + tex_escape(n) + "} (" + points + r"): \hrulefill"
                for n, points in asked] + [r"\end{itemize}", ""]
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"
