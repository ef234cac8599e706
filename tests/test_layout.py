"""The shape of the package: imports point one way, modules stay readable, solvers stand alone.

A cycle means no module of it can be understood or loaded on its own, and it is usually papered
over with an import moved into a function; so function-level imports count here too. Imports
under `if TYPE_CHECKING:` never run and do not count. The graph is read from the source with
`ast`, not by importing, so a cycle is found even where Python would happen to tolerate it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "nnsolve"
MAX_LINES = 500
#: what a solver family may not import: solvers build derivations, others present and grade them
FORBIDDEN_FOR_SOLVERS = ("nnsolve.grade", "nnsolve.render", "nnsolve.cli")


@dataclass(frozen=True)
class Import:
    line: int
    #: the modules this import loads, resolved against the package's own modules
    targets: tuple[str, ...]
    #: every dotted name the statement mentions (`from a import b` gives a and a.b), resolved or not
    names: tuple[str, ...]


def module_names(package: Path) -> dict[str, Path]:
    """Dotted module name → file, for every .py file under `package` (a package is its
    __init__)."""
    modules = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(node: ast.AST):
    """Every import statement that can run: at module level, in functions and classes, in
    try/else blocks; not those guarded by `if TYPE_CHECKING:`."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        yield node
    elif isinstance(node, ast.If) and _is_type_checking(node.test):
        for statement in node.orelse:
            yield from _import_nodes(statement)
    else:
        for child in ast.iter_child_nodes(node):
            yield from _import_nodes(child)


def _base_of(module: str, is_package: bool, level: int) -> str:
    """The package a relative import with `level` dots starts from."""
    parts = module.split(".") if is_package else module.split(".")[:-1]
    return ".".join(parts[:len(parts) - (level - 1)])


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in _import_nodes(tree):
        if isinstance(node, ast.Import):
            names = tuple(alias.name for alias in node.names)
            targets = tuple(name for name in names if name in modules)
        else:
            if node.level:
                base = _base_of(module, path.name == "__init__.py", node.level)
                source = ".".join(p for p in (base, node.module) if p)
            else:
                source = node.module or ""
            submodules = tuple(f"{source}.{alias.name}" for alias in node.names)
            names = (source,) + submodules
            targets = tuple(name for name in submodules if name in modules)
            if len(targets) < len(submodules) and source in modules:
                targets = (source,) + targets
        found.append(Import(node.lineno, targets, names))
    return found


def import_graph(package: Path) -> dict[str, dict[str, int]]:
    """Module → {module it imports: line of the first such import}, within `package`."""
    modules = module_names(package)
    graph: dict[str, dict[str, int]] = {}
    for module, path in modules.items():
        edges = graph.setdefault(module, {})
        for imported in imports_of(module, path, modules):
            for target in imported.targets:
                if target != module:
                    edges.setdefault(target, imported.line)
    return graph


def find_cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """One cycle through each group of modules that import one another (Tarjan's strongly
    connected components), each written from its alphabetically first module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(_cycle_within(graph, component) for component in components)


def _cycle_within(graph: dict[str, dict[str, int]], component: set[str]) -> list[str]:
    """A shortest way back to the start, by breadth-first search inside the component."""
    start = min(component)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node]):
                if target not in component:
                    continue
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start] + path[::-1][1:] + [start]
                if target not in came_from:
                    came_from[target] = node
                    following.append(target)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # a component of two or more always has one


def describe_cycle(graph: dict[str, dict[str, int]], cycle: list[str]) -> str:
    steps = [f"{a} (line {graph[a][b]})" for a, b in zip(cycle, cycle[1:])]
    return " → ".join(steps + [cycle[-1]])


# -- the package ---------------------------------------------------------------------------

def test_the_package_has_no_import_cycle():
    graph = import_graph(PACKAGE)
    cycles = find_cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(describe_cycle(graph, c) for c in cycles)


def test_no_module_is_over_500_lines():
    long = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > MAX_LINES:
            long[str(path.relative_to(ROOT))] = count
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def solver_families() -> list[str]:
    solvers = PACKAGE / "solvers"
    return sorted(p.name for p in solvers.iterdir() if (p / "__init__.py").is_file())


def test_solver_families_are_packages():
    assert {"layers", "mlp", "choice"} <= set(solver_families())


def test_solver_families_import_no_grader_renderer_cli_or_other_family():
    modules = module_names(PACKAGE)
    families = solver_families()
    wrong = []
    for family in families:
        own = f"nnsolve.solvers.{family}"
        forbidden = FORBIDDEN_FOR_SOLVERS + tuple(f"nnsolve.solvers.{other}" for other in families
                                                  if other != family)
        for module, path in modules.items():
            if module != own and not module.startswith(own + "."):
                continue
            for imported in imports_of(module, path, modules):
                for name in imported.names:
                    if any(name == f or name.startswith(f + ".") for f in forbidden):
                        wrong.append(f"{path.relative_to(ROOT)}:{imported.line}: imports {name}")
    assert not wrong, "\n".join(wrong)


# -- the checker itself, on a package made for it --------------------------------------------

def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "pkg"


def test_cycles_through_relative_function_level_and_submodule_imports_are_found(tmp_path):
    package = _write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "from . import b\n",                       # b is a submodule: pkg.b
        "pkg/b.py": "def later():\n    from .sub.c import X\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/c.py": "import pkg.a\nX = 1\n",
    })
    graph = import_graph(package)
    assert graph["pkg.a"] == {"pkg.b": 1}
    assert graph["pkg.b"] == {"pkg.sub.c": 2}
    assert find_cycles(graph) == [["pkg.a", "pkg.b", "pkg.sub.c", "pkg.a"]]
    assert describe_cycle(graph, find_cycles(graph)[0]) == \
        "pkg.a (line 1) → pkg.b (line 2) → pkg.sub.c (line 1) → pkg.a"


def test_type_checking_imports_and_one_way_imports_make_no_cycle(tmp_path):
    package = _write(tmp_path, {
        "pkg/__init__.py": "from pkg.solver import Solver\n",
        "pkg/network.py": "from typing import TYPE_CHECKING\n"
                          "if TYPE_CHECKING:\n    from pkg.solver import Solver\n"
                          "else:\n    from pkg import helpers\n",
        "pkg/helpers.py": "",
        "pkg/view.py": "from pkg.network import Network\n",
        "pkg/solver.py": "from pkg.view import build\nfrom pkg.network import Network\n",
    })
    graph = import_graph(package)
    assert graph["pkg.network"] == {"pkg.helpers": 5}
    assert graph["pkg"] == {"pkg.solver": 1}
    assert find_cycles(graph) == []
