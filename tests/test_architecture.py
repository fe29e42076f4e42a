"""The shape of the code (docs/architecture.md): packages in data-flow order,
imports pointing one way, no cycle, small modules, a short build."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "lexom_site"

# What each part of the package may import (besides itself). The foundation
# modules sit at the top of the package; cli.py (with console.py), clidoc.py,
# serve.py (with live.py) and __main__.py are the commands, above everything.
FOUNDATION = {"__init__", "diagnostics", "paths", "files", "spawn", "environment", "i18n"}
COMMANDS = {"cli", "clidoc", "console", "serve", "live", "__main__"}
ALLOWED = {
    "foundation": set(),
    "inputs": {"foundation"},
    "legal": {"foundation", "inputs"},
    "authoring": {"foundation", "inputs", "legal"},
    "render": {"foundation", "inputs", "legal"},
    "build": {"foundation", "inputs", "legal", "render"},
    "documents": {"foundation", "inputs", "legal", "render"},
    "commands": {"foundation", "inputs", "legal", "authoring", "render", "build", "documents"},
}


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts) or "__init__"


def part_of(module: str) -> str:
    first = module.split(".")[0]
    if first in FOUNDATION:
        return "foundation"
    if first in COMMANDS:
        return "commands"
    return first


def _type_checking_only(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def imports_of(path: Path, package_dir: Path = PACKAGE) -> set[str]:
    """The package's modules this module imports when it runs (at its top or in a function;
    imports for type checkers only are not run and do not count)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    here = module_name(path, package_dir).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    if here == ["__init__"]:
        package = []
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or _type_checking_only(node, parents):
            continue
        if node.level:
            base = package[: len(package) - (node.level - 1)]
            target = [*base, *(node.module.split(".") if node.module else [])]
        elif node.module and node.module.startswith("lexom_site"):
            target = node.module.split(".")[1:]
        else:
            continue
        names = [alias.name for alias in node.names]
        for name in names:  # `from . import spawn` names a module; `from .x import y` names a thing of x
            candidate = [*target, name]
            if package_dir.joinpath(*candidate).with_suffix(".py").is_file() or package_dir.joinpath(*candidate).is_dir():
                found.add(".".join(candidate))
            elif target:
                found.add(".".join(target))
            else:
                found.add("__init__")
    return found - {module_name(path, package_dir)}


def graph(package_dir: Path = PACKAGE) -> dict[str, set[str]]:
    return {module_name(path, package_dir): imports_of(path, package_dir) for path in sorted(package_dir.rglob("*.py"))}


def wrong_imports(package_dir: Path = PACKAGE) -> list[str]:
    return [f"{module} imports {target}" for module, targets in graph(package_dir).items() for target in sorted(targets)
            if part_of(target) != part_of(module) and part_of(target) not in ALLOWED[part_of(module)]]


def import_cycles(package_dir: Path = PACKAGE) -> list[str]:
    edges = graph(package_dir)
    cycles: list[str] = []

    def visit(module: str, path: list[str]) -> None:
        for target in sorted(edges.get(module, ())):
            if target in path:
                loop = path[path.index(target):]
                first = loop.index(min(loop))  # each cycle told from its first module by name
                loop = loop[first:] + loop[:first]
                cycles.append(" -> ".join(loop + [loop[0]]))
            elif target not in done:
                visit(target, path + [target])
        done.add(module)

    done: set[str] = set()
    for module in sorted(edges):
        if module not in done:
            visit(module, [module])
    return cycles


def test_imports_point_one_way():
    assert wrong_imports() == []


def test_no_import_cycle():
    assert import_cycles() == []


def test_the_checks_see_a_wrong_import_and_a_cycle(tmp_path: Path):
    """The two checks above are not blind: in a copy of the package, a render
    module importing the build (in a function), and two modules importing
    each other, are caught; an import for type checkers only is not counted."""
    copy = tmp_path / "lexom_site"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    with (copy / "render" / "html.py").open("a", encoding="utf-8") as file:
        file.write("\n\ndef _late():\n    from ..build.cache import BuildCache\n")
    with (copy / "inputs" / "fields.py").open("a", encoding="utf-8") as file:
        file.write("\nfrom .course import Course\n")
    with (copy / "inputs" / "markdown.py").open("a", encoding="utf-8") as file:
        file.write("\nif TYPE_CHECKING:\n    from ..build.context import Run\n")
    assert wrong_imports(copy) == ["render.html imports build.cache"]
    assert import_cycles(copy) == ["inputs.course -> inputs.fields -> inputs.course"]


def test_modules_stay_small():
    long = {module_name(path): n for path in PACKAGE.rglob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


def test_the_build_reads_like_its_stages():
    source = (PACKAGE / "build" / "pipeline.py").read_text(encoding="utf-8")
    function = next(node for node in ast.parse(source).body
                    if isinstance(node, ast.FunctionDef) and node.name == "_build")
    assert function.end_lineno - function.lineno + 1 <= 40
