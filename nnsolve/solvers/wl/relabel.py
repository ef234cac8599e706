"""One Weisfeiler-Lehman iteration as a TA writes it on the board, on small graphs given as
Python mappings (node → label, node → neighbours): the rules of the node view, which compute
the right answer, the answer from a student's own earlier colouring (error carried forward)
and the answers of the known mistakes alike.

A signature is a node's own label and the sorted multiset of its neighbours' labels, written
`1,11` (own label, comma, neighbour labels side by side) while every label is one character,
and `10,11 12` (neighbour labels separated by spaces) once some label is longer; a directed
graph seen both ways has two groups, successors then predecessors: `1,11,1`. With edge labels
each neighbour is its edge's label and its own, `1,a:1 b:2`, always separated by spaces. The
compression table gives each distinct signature of the iteration, over all graphs, a new label:
numbers counted on from the largest label so far, in sorted order of the signatures (or in the
order they first occur). Every function here is total: a student's colouring with a node
missing or a signature missing from their table gives a label that matches nothing (`?`), not
an exception.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping

from nnsolve.derivation.layout import natural_key

#: a signature: the node's own label and its neighbours' labels (sorted, unless misconceived):
#: one group of neighbours, or two for a directed graph seen both ways (successors, then
#: predecessors)
Signature = tuple[str, tuple[tuple[str, ...], ...]]

#: the label of a node whose signature is not in the table (a student's incomplete answer)
UNKNOWN = "?"
#: a node without neighbours (of a group), as its neighbour list is written
NONE = "∅"
_WHOLE_NUMBER = re.compile(r"-?\d+\Z")


def element_key(element: str) -> tuple:
    """A neighbour's entry in natural order: its label, or its edge's label then its own
    (`a:2` before `a:10` before `b:1`)."""
    return tuple(natural_key(part) for part in element.split(":"))


def signature(own: str, groups: Iterable[Iterable[str]], *, sort: bool = True,
              own_label: bool = True) -> Signature:
    """A node's signature; `sort=False` keeps the neighbours in the order the edges list them
    and `own_label=False` leaves the node's own label out (the two common slips)."""
    labels = tuple(tuple(sorted(g, key=element_key)) if sort else tuple(g) for g in groups)
    return (own if own_label else "", labels)


def write(sig: Signature, joiner: str) -> str:
    """`1,11` (`1,11,1` with successors and predecessors); a signature without the own label
    (a slip) is just its neighbour labels."""
    own, groups = sig
    body = ",".join(joiner.join(g) for g in groups)
    return f"{own},{body}" if own else body


def parse(text: str, joiner: str, groups: int = 1) -> Signature:
    """A written signature back into its parts (for a student's table or signatures): the
    inverse of `write`; text with no more commas than neighbour groups is read as neighbour
    labels only."""
    parts = text.split(",")
    own, bodies = (parts[0], parts[1:]) if len(parts) > groups else ("", parts)
    split = (lambda body: tuple(body)) if joiner == "" else (lambda body: tuple(body.split()))
    return own.strip(), tuple(tuple(n.strip() for n in split(b) if n.strip()) for b in bodies)


def order_key(sig: Signature) -> tuple:
    """Signatures in sorted order: by own label, then by the neighbour labels one by one (a
    shorter list first where one is the start of the other), labels in natural order."""
    own, groups = sig
    return (natural_key(own), tuple(tuple(element_key(n) for n in g) for g in groups))


def neighbour_list(nodes: Iterable[str]) -> str:
    """A node's neighbours as the board lists them: `2 4 5`, with edge labels `a:2 b:4`
    (∅ for none)."""
    return " ".join(nodes) or NONE


def listed(text: str) -> list[tuple[str, str]]:
    """The (edge label, node) entries of a written neighbour list; the edge label is empty
    for a graph without edge labels."""
    if text == NONE:
        return []
    return [(edge, node) if node else ("", edge)
            for edge, _, node in (entry.partition(":") for entry in text.split())]


def signatures(labels: Mapping[str, str], around: list[Mapping[str, str]], joiner: str, *,
               sort: bool = True, own_label: bool = True) -> dict[str, str]:
    """Every node's written signature, from the labels of the iteration before; `around`
    holds a node → neighbour list mapping per group (one, or successors and predecessors)."""
    def label(node: str) -> str:
        return str(labels.get(node, UNKNOWN))

    def entry(edge: str, node: str) -> str:
        return f"{edge}:{label(node)}" if edge else label(node)

    return {node: write(signature(label(node),
                                  ((entry(*m) for m in listed(str(g[node]))) for g in around),
                                  sort=sort, own_label=own_label), joiner)
            for node in around[0]}


def first_new_label(previous: Iterable[str]) -> int:
    """New labels count on from the largest label so far: after 1, the first new label is 2;
    after words only (A, B), it is 1."""
    numbers = [int(label) for label in previous if _WHOLE_NUMBER.match(str(label))]
    return max([0, *numbers]) + 1


def compression_table(written: Iterable[Mapping[str, str]], previous: Iterable[Mapping[str, str]],
                      joiner: str, numbering: str = "sorted", groups: int = 1) -> dict[str, str]:
    """Signature → new label over all graphs' signatures of one iteration, the new labels
    numbered on from the largest label of the iteration before. `numbering` is "sorted" (in
    sorted order of the signatures) or "first_seen" (in the order they first occur: graph by
    graph, node by node)."""
    seen: dict[str, None] = {}
    for graph in written:
        for text in graph.values():
            seen.setdefault(str(text), None)
    texts = list(seen)
    if numbering == "sorted":
        texts.sort(key=lambda text: order_key(parse(text, joiner, groups)))
    start = first_new_label(str(label) for graph in previous for label in graph.values())
    return {text: str(start + i) for i, text in enumerate(texts)}


def relabelled(written: Mapping[str, str], table: Mapping[str, str]) -> dict[str, str]:
    """Each node's new label: its signature looked up in the table."""
    return {node: str(table.get(str(text), UNKNOWN)) for node, text in written.items()}


def histogram(labels: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for label in labels:
        counts[str(label)] = counts.get(str(label), 0) + 1
    return counts


def joiner_for(labels: Iterable[str]) -> str:
    """Neighbour labels side by side (`1,11`) while every label is one character; separated
    by spaces (`9,10 12`) once some label is longer."""
    return "" if all(len(str(label)) == 1 for label in labels) else " "
