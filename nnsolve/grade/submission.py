"""Submissions (format 1): what a student handed in, read without trusting it.

    nnsolve: 1
    student: {id: "s1234", name: "Ada Lovelace"}
    problem: alexnet-conv1
    answers:
      a: {output_shape: [55, 55, 96], units: 290400, params: 34944}

Only the structure is checked here; the answers stay as YAML gave them (raw), because what a
raw value means (a number, a matrix, a label) depends on the quantity it answers, which only
the key knows. For the same reason the layout of `answers` (parts of one problem, problems of
a set, or the quantities of a one-part problem written directly) is settled twice: once by its
shape alone (`Submission.answers`, enough for `nnsolve check`), and once against the problems
it is graded with (`Submission.resolve`), which is what the grader uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from nnsolve.errors import NnsolveError
from nnsolve.spec.problem import ID_PATTERN, FORMAT, _closest, _type_name
from nnsolve.spec.yamlsafe import Document, load_file

TOP_KEYS = ("nnsolve", "student", "problem", "answers")
#: values a submission file may hold (numbers, strings, lists and mappings together): one
#: answer holds at most MAX_LIST_ITEMS (10,000) elements (a longer one is that answer's error,
#: not the file's), and five times that leaves room for the rest, while a file of a million
#: numbers (2 MB) would cost seconds and hundreds of megabytes to build before any answer is
#: looked at; counted while the file is read, so such a file is refused after its first
#: 50,000 values
MAX_SUBMISSION_NODES = 50_000
STUDENT_KEYS = ("id", "name")
#: the part id of a problem written without `parts`
SHORTHAND_PART = "a"


@dataclass
class Submission:
    file: str
    student_id: str
    name: str | None
    problem: str                      # problem id or problem-set id
    answers: dict                     # {problem_id: {part_id: {quantity: raw_value}}}
    doc: Document = field(repr=False)
    #: where each answer sits in the file: (problem, part, name) -> path for Document.line
    paths: dict = field(default_factory=dict, repr=False)
    #: the text of plain YAML scalars by path ("0.980" where YAML gives 0.98), for digit counts
    texts: dict = field(default_factory=dict, repr=False)
    #: what did not fit the problems it was resolved against, by (problem, part) or (problem,)
    strays: dict = field(default_factory=dict, repr=False)
    #: parts whose answers are not a mapping, by (problem, part) -> message
    broken: dict = field(default_factory=dict, repr=False)

    def answer_path(self, problem_id: str, part_id: str, name: str) -> tuple:
        """Where an answer is (or would be) written, for `Document.line` and messages."""
        found = self.paths.get((problem_id, part_id, name))
        if found is not None:
            return found
        for (p, q, _), path in self.paths.items():
            if (p, q) == (problem_id, part_id):
                return path[:-1] + (name,)
        for (p, q, _), path in self.paths.items():
            if p == problem_id and len(path) > 2 and path[-2] == q:
                return path[:-2] + (part_id, name)   # a part left out beside answered ones
        return ("answers",)

    def raw_answer(self, problem_id: str, part_id: str, name: str) -> Any:
        return self.answers.get(problem_id, {}).get(part_id, {}).get(name)

    def given_text(self, problem_id: str, part_id: str, name: str) -> Any:
        """What the student typed for an answer: strings as they are, plain numbers as
        written in the file, nested like the answer (for counting the digits they gave)."""
        raw = self.raw_answer(problem_id, part_id, name)
        return _texts(raw, self.answer_path(problem_id, part_id, name), self.texts)

    def resolve(self, problems: list, whole=None) -> "Submission":
        """The answers laid out against the problems they are graded with.

        A set's answers are keyed by problem id; a problem's by part id, except that a one-part
        problem may list its quantities directly. Knowing the problems settles what the shape
        alone cannot (a set of one-part problems looks like a problem with parts).
        `whole(problem_id, part_id, name)` says which quantities are answered by a mapping
        (a colouring node: colour), which is then one answer and not a group of answers.
        """
        raw = _raw_answers(self.doc)
        answers: dict = {}
        paths: dict = {}
        strays: dict = {}
        broken: dict = {}
        in_set = len(problems) != 1 or problems[0].id != self.problem
        known = {p.id for p in problems}
        for problem in problems:
            if in_set:
                entry, where = _entry(raw, problem.id), ("answers", _original_key(raw, problem.id))
                if entry is None:
                    continue
                if not isinstance(entry, dict):
                    for part in problem.parts:
                        broken[(problem.id, part.id)] = (
                            f"the answers for problem {problem.id} must be a mapping of parts "
                            f"(or of quantities), not {_type_name(entry)}")
                    continue
            else:
                entry, where = raw, ("answers",)
            _resolve_problem(problem, entry, where, answers, paths, strays, broken, whole)
        if in_set:
            extra = [str(k) for k in raw if str(k) not in known]
            if extra:
                strays[()] = extra
        return replace(self, answers=answers, paths=paths, strays=strays, broken=broken)


def _resolve_problem(problem, entry: dict, where: tuple, answers, paths, strays, broken,
                     whole=None) -> None:
    part_ids = [part.id for part in problem.parts]
    one = part_ids[0] if len(part_ids) == 1 else None
    if one is not None and not _is_group(_entry(entry, one)):
        layout = {one: (entry, where)}          # quantities written directly
    else:
        layout = {}
        for part_id in part_ids:
            value = _entry(entry, part_id)
            if value is None:
                continue
            if not isinstance(value, dict):
                broken[(problem.id, part_id)] = (
                    f"the answers for part {part_id} must be a mapping of quantity names to "
                    f"answers, not {_type_name(value)}")
                continue
            layout[part_id] = (value, where + (_original_key(entry, part_id),))
        extra = [str(k) for k in entry if str(k) not in part_ids]
        if extra:
            strays[(problem.id,)] = extra
    for part_id, (values, at) in layout.items():
        keep = (lambda name, part_id=part_id: whole(problem.id, part_id, name)) if whole else None
        flat = _flatten(values, at, keep=keep)
        answers.setdefault(problem.id, {})[part_id] = {name: raw for name, (raw, _) in flat.items()}
        for name, (_, path) in flat.items():
            paths[(problem.id, part_id, name)] = path


def _flatten(values: dict, at: tuple, prefix: str = "", keep=None) -> dict:
    """Quantity name -> (raw answer, path); `conv1: {params: 5}` is read as `conv1.params: 5`,
    unless `keep(name)` says the mapping is the answer itself."""
    out = {}
    for key, value in values.items():
        name = prefix + _key_text(key)
        if _is_group(value) and value and not (keep is not None and keep(name)):
            out.update(_flatten(value, at + (key,), name + ".", keep))
        else:
            out[name] = (value, at + (key,))
    return out


def _is_group(value: Any) -> bool:
    """A mapping of answers, as opposed to a set written the YAML way ({a, b}: all values null)."""
    return isinstance(value, dict) and (not value or any(v is not None for v in value.values()))


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def _entry(mapping: Any, key: str) -> Any:
    if not isinstance(mapping, dict):
        return None
    if key in mapping:
        return mapping[key]
    for k, v in mapping.items():
        if _key_text(k) == key:
            return v
    return None


def _original_key(mapping: dict, key: str) -> Any:
    if key in mapping:
        return key
    for k in mapping:
        if _key_text(k) == key:
            return k
    return key


def _raw_answers(doc: Document) -> dict:
    data = doc.data if isinstance(doc.data, dict) else {}
    answers = data.get("answers")
    return answers if isinstance(answers, dict) else {}


def _texts(raw: Any, path: tuple, texts: dict) -> Any:
    if isinstance(raw, list):
        return [_texts(item, path + (i,), texts) for i, item in enumerate(raw)]
    if isinstance(raw, str):
        return raw
    return texts.get(path)


# -- reading ----------------------------------------------------------------------------

def load_submission(path: str | Path) -> Submission:
    """Read and check a submission file; NnsolveError (file:line: field: message) if malformed."""
    doc = load_file(path, max_nodes=MAX_SUBMISSION_NODES)
    return parse_submission(doc)


def parse_submission(doc: Document) -> Submission:
    """Check the structure of a loaded submission, reporting every issue at once."""
    issues = []

    def fail(where: tuple, message: str) -> None:
        issues.extend(doc.error(where, message).issues)

    data = doc.data
    if not isinstance(data, dict):
        raise doc.error((), f"a submission must be a mapping with {', '.join(TOP_KEYS)}, "
                            f"not {_type_name(data)}")
    texts = doc.texts
    for key in data:
        if key not in TOP_KEYS:
            hint = _closest(str(key), TOP_KEYS)
            fail((key,), f"unknown field{f' (did you mean {hint!r}?)' if hint else ''}")
    if "nnsolve" not in data:
        fail((), "missing required field 'nnsolve' (the format version: nnsolve: 1)")
    elif data["nnsolve"] != FORMAT or isinstance(data["nnsolve"], bool):
        fail(("nnsolve",), f"unsupported format {data['nnsolve']!r}; this nnsolve reads format {FORMAT}")

    student_id, name = _student(data, texts, fail)
    problem = data.get("problem")
    if problem is None:
        fail((), "missing required field 'problem' (the problem or problem-set id)")
    elif isinstance(problem, bool) or not isinstance(problem, (str, int)) or \
            not ID_PATTERN.match(str(problem)):
        fail(("problem",), "must be a problem id (letters, digits and . _ -)")
    if "answers" not in data:
        fail((), "missing required field 'answers'")
    answers = data.get("answers")
    if answers is not None and not isinstance(answers, dict):
        fail(("answers",), f"must be a mapping (part → quantity → answer), not {_type_name(answers)}")
    if issues:
        raise NnsolveError(issues=issues)
    problem = str(problem)
    submission = Submission(doc.file, student_id, name, problem, {}, doc, texts=texts)
    laid_out, paths = _by_shape(answers or {}, problem)
    return replace(submission, answers=laid_out, paths=paths)


def _student(data: dict, texts: dict, fail) -> tuple[str, str | None]:
    student = data.get("student")
    if student is None:
        fail((), "missing required field 'student' (student: {id: ..., name: ...})")
        return "", None
    if isinstance(student, dict):
        for key in student:
            if key not in STUDENT_KEYS:
                fail(("student", key), "unknown field (a student has an id and a name)")
        at = ("student", "id")
        if "id" not in student:
            fail(("student",), "missing required field 'id'")
            return "", None
        raw_id, name = student["id"], student.get("name")
    else:
        at, raw_id, name = ("student",), student, None
    if isinstance(raw_id, (bool, dict, list)) or raw_id is None or str(raw_id).strip() == "":
        fail(at, "must be the student's id (text)")
        student_id = ""
    else:
        # a plain 01234 is a number to YAML; the id is what was typed
        student_id = raw_id.strip() if isinstance(raw_id, str) else texts.get(at, str(raw_id))
    if name is not None and (isinstance(name, bool) or not isinstance(name, (str, int, float))):
        fail(("student", "name"), f"must be text, not {_type_name(name)}")
        name = None
    return student_id, (str(name) if name is not None else None)


def _by_shape(answers: dict, problem: str) -> tuple[dict, dict]:
    """Lay out answers from their shape alone: quantities of a one-part problem, parts of a
    problem, or problems of a set (when parts hold mappings of parts)."""
    paths: dict = {}
    laid_out: dict = {}

    def add(problem_id: str, part_id: str, values: dict, at: tuple) -> None:
        flat = _flatten(values, at)
        laid_out.setdefault(problem_id, {})[part_id] = {n: raw for n, (raw, _) in flat.items()}
        for n, (_, path) in flat.items():
            paths[(problem_id, part_id, n)] = path

    groups = {k: v for k, v in answers.items() if _is_group(v)}
    if not groups:
        add(problem, SHORTHAND_PART, answers, ("answers",))
        return laid_out, paths
    nested = any(_is_group(v) for g in groups.values() for v in g.values())
    if not nested:
        for key, values in groups.items():
            add(problem, _key_text(key), values, ("answers", key))
        return laid_out, paths
    for key, entry in groups.items():
        if any(_is_group(v) for v in entry.values()):
            for part, values in entry.items():
                if _is_group(values):
                    add(_key_text(key), _key_text(part), values, ("answers", key, part))
        else:
            add(_key_text(key), SHORTHAND_PART, entry, ("answers", key))
    return laid_out, paths


# -- salvaging what can be read from a file that cannot be loaded -------------------------

#: characters kept of an id or name read from a broken file
MAX_SALVAGED = 200
_PROBLEM_LINE = re.compile(r"^problem\s*:\s*[\"']?([A-Za-z0-9._-]+)", re.M)
_STUDENT_FLOW = re.compile(r"^student\s*:\s*\{([^}\n]*)\}", re.M)
_STUDENT_PLAIN = re.compile(r"^student[ \t]*:[ \t]*([^\n]*)", re.M)
_STUDENT_BLOCK = re.compile(r"^student\s*:\s*\n((?:[ \t]+\S.*\n?)+)", re.M)
_FIELD = re.compile(r"\b(id|name)\s*:\s*(\"[^\"\n]*\"|'[^'\n]*'|[^,}\n#]+)")


def identity_from_text(text: str) -> tuple[str | None, str | None, str | None]:
    """(student id, name, problem id) read line by line from a file YAML could not load, so an
    unreadable submission still lands on the right row of the gradebook."""
    head = text[:65536]
    problem = _PROBLEM_LINE.search(head)
    fields: dict[str, str] = {}
    block = _STUDENT_FLOW.search(head) or _STUDENT_BLOCK.search(head)
    if block:
        for key, value in _FIELD.findall(block.group(1)):
            fields.setdefault(key, value.strip().strip("\"'").strip())
    else:
        plain = _STUDENT_PLAIN.search(head)
        if plain:
            fields["id"] = _plain_id(plain.group(1))
    return (fields.get("id") or "")[:MAX_SALVAGED] or None, \
        (fields.get("name") or "")[:MAX_SALVAGED] or None, problem.group(1) if problem else None


def _plain_id(written: str) -> str:
    """The id of `student: s1234` (quoted or not, a comment after it): cut in plain string
    steps, since a pattern with optional quotes and spaces around a lazy middle backtracks
    quadratically on a long line of spaces."""
    value = written[:MAX_SALVAGED + 2]
    if value[:1] in ("'", '"'):
        value = value[1:]
    elif value[:1] in ("{", "#"):
        return ""
    for stop in ("'", '"', "#"):
        value = value.split(stop, 1)[0]
    return value.strip()
