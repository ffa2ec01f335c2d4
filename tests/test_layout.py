"""The layout: small modules, and an import graph without cycles.

The graph has an edge from module A to module B when A imports B at module level
(``import B``, ``from B import name``, or ``from package import B`` when B is a
submodule of that package). Imports inside functions (made at first use, to keep
``import rnn_nodes`` fast) and under ``if TYPE_CHECKING`` are not edges; neither are
the implicit imports of parent packages, which Python makes for every submodule.
"""

import ast
import pathlib

import pytest

REPOSITORY = pathlib.Path(__file__).resolve().parents[1]
PACKAGES = ("rnn_nodes", "schedulers")
MAX_LINES = 400


def _modules():
    """``{dotted name: path}`` of every module of the packages."""
    found = {}
    for package in PACKAGES:
        for path in sorted((REPOSITORY / package).rglob("*.py")):
            parts = path.relative_to(REPOSITORY).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _module_level_imports(tree):
    """The import statements run when the module is imported."""
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If) and not _is_type_checking(node.test):
            yield from _module_level_imports(ast.Module(body=node.body + node.orelse))
        elif isinstance(node, ast.Try):
            yield from _module_level_imports(ast.Module(
                body=node.body + [n for h in node.handlers for n in h.body] + node.orelse))


def _is_type_checking(test):
    return getattr(test, "id", getattr(test, "attr", None)) == "TYPE_CHECKING"


def import_graph(modules):
    """``{module: set of modules it imports}``, within ``modules`` only."""
    graph = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        edges = set()
        for node in _module_level_imports(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                edges |= {alias.name for alias in node.names if alias.name in modules}
                continue
            base = node.module or ""
            if node.level:  # relative: from the package this module is in
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                target = f"{base}.{alias.name}"
                if target in modules:
                    edges.add(target)
                elif base in modules:
                    edges.add(base)
        edges.discard(name)
        graph[name] = edges
    return graph


def find_cycle(graph):
    """One import cycle as a list ``[a, b, ..., a]``, or None."""
    state = {}

    def visit(node, path):
        state[node] = "open"
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return path[path.index(target):] + [target]
            if target not in state:
                cycle = visit(target, path)
                if cycle:
                    return cycle
        path.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node, [])
            if cycle:
                return cycle
    return None


def test_no_module_is_longer_than_the_limit():
    too_long = {name: n for name, path in _modules().items()
                if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert not too_long, f"modules over {MAX_LINES} lines (split them by concept): {too_long}"


def test_the_import_graph_has_no_cycle():
    graph = import_graph(_modules())
    assert len(graph) > 50  # the whole package was read
    assert "rnn_nodes.layers.through_time" in graph["rnn_nodes.layers.recurrent"]
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


@pytest.mark.parametrize("graph, expected", [
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
    ({"a": {"b"}, "b": {"b2"}, "b2": {"b"}}, ["b", "b2", "b"]),
    ({"a": {"b", "c"}, "b": {"c"}, "c": set()}, None),
])
def test_the_cycle_finder_finds_a_cycle_and_only_a_cycle(graph, expected):
    assert find_cycle(graph) == expected


def test_the_graph_reads_relative_and_from_package_imports(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from pkg import a\n")
    (package / "a.py").write_text("from .sub import b\nimport pkg.sub\n"
                                  "def f():\n    from pkg import c\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "b.py").write_text("from ..a import f\n")
    (package / "c.py").write_text("")
    modules = {"pkg": package / "__init__.py", "pkg.a": package / "a.py",
               "pkg.sub": package / "sub" / "__init__.py", "pkg.sub.b": package / "sub" / "b.py",
               "pkg.c": package / "c.py"}
    graph = import_graph(modules)
    assert graph["pkg"] == {"pkg.a"}
    assert graph["pkg.a"] == {"pkg.sub.b", "pkg.sub"}  # not pkg.c: imported in a function
    assert graph["pkg.sub.b"] == {"pkg.a"}
    assert find_cycle(graph) == ["pkg.a", "pkg.sub.b", "pkg.a"]
