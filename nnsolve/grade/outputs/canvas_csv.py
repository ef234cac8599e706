"""A CSV read so that it can be written back byte for byte, cell by cell.

Canvas imports only what changed, and an instructor diffs what they upload, so the round
trip must not re-quote, reorder or re-end a line it did not mean to change. Each record
keeps its fields as written (quotes and all) and its line ending; only a cell that is set
is written anew.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Record:
    raw: list[str]                 # each field as written, quotes included
    ending: str                    # "\r\n", "\n", "\r" or "" (the last line may have none)
    line: int                      # where the record starts, for messages
    changed: bool = False
    values: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.values = [unquote(f) for f in self.raw]

    def get(self, index: int | None) -> str:
        return self.values[index].strip() if index is not None and index < len(self.values) \
            else ""

    def set(self, index: int, text: str) -> None:
        """Write `text` into field `index` (the row is widened when short)."""
        while len(self.raw) <= index:
            self.raw.append("")
            self.values.append("")
        if self.values[index] == text:
            return
        self.raw[index], self.values[index] = quote(text), text
        self.changed = True

    def text(self) -> str:
        return ",".join(self.raw) + self.ending


def parse(text: str) -> list[Record]:
    """RFC 4180 records, quoted fields spanning lines included."""
    records: list[Record] = []
    fields: list[str] = []
    start, i, line, first_line, quoted = 0, 0, 1, 1, False
    n = len(text)
    while i < n:
        c = text[i]
        if quoted:
            if c == '"':
                if i + 1 < n and text[i + 1] == '"':
                    i += 1
                else:
                    quoted = False
            elif c == "\n":
                line += 1
        elif c == '"' and i == start:     # a quote opens a field only at its start
            quoted = True
        elif c == ",":
            fields.append(text[start:i])
            start = i + 1
        elif c in "\r\n":
            ending = "\r\n" if text.startswith("\r\n", i) else c
            fields.append(text[start:i])
            records.append(Record(fields, ending, first_line))
            fields, i = [], i + len(ending)
            start, line = i, line + 1
            first_line = line
            continue
        i += 1
    if quoted:
        raise ValueError(f"line {first_line}: a quoted field is never closed")
    if start < n or fields:
        fields.append(text[start:])
        records.append(Record(fields, "", first_line))
    return records


def unquote(raw: str) -> str:
    raw = raw.strip(" ") if raw.strip(" ").startswith('"') else raw
    if len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"':
        return raw[1:-1].replace('""', '"')
    return raw


def quote(text: str) -> str:
    if any(c in text for c in ',"\r\n') or text != text.strip():
        return '"' + text.replace('"', '""') + '"'
    return text
