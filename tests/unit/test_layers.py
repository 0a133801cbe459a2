"""Which parts of kbtool may import which: the core never knows the command line, review does
not depend on check (check uses review), the staff app does not use the patient site's code,
and nobody reaches into the loader's private parts."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "kbtool"
CLI_MODULES = {"kbtool.cli", "kbtool.options"}


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    """Module -> every module (and module.name) it imports, relative imports resolved."""
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module(path)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parent, base] if base else parent)
                names.add(base)
                names |= {f"{base}.{alias.name}" for alias in node.names}
        found[module] = names
    return found


def _offenders(source_prefix: str, target_prefix: str) -> list[str]:
    return sorted(
        f"{module} imports {name}"
        for module, names in imports().items()
        if module.startswith(source_prefix)
        for name in names
        if name == target_prefix or name.startswith(target_prefix + ".")
    )


def test_only_the_command_line_layer_imports_click() -> None:
    assert (
        sorted(
            module
            for module, names in imports().items()
            if "click" in names
            and module not in CLI_MODULES
            and not module.startswith("kbtool.commands")
        )
        == []
    )


def test_review_does_not_depend_on_check() -> None:
    assert _offenders("kbtool.review", "kbtool.check") == []


def test_the_staff_app_does_not_use_the_patient_site_code() -> None:
    assert _offenders("kbtool.web", "kbtool.publish") == []


def test_the_core_does_not_reach_into_the_commands_or_the_reports() -> None:
    for core in ("kbtool.review", "kbtool.search", "kbtool.publish", "kbtool.lint"):
        assert _offenders(core, "kbtool.commands") == []
        assert _offenders(core, "kbtool.report") == []


def test_nobody_imports_the_loaders_private_names() -> None:
    assert (
        sorted(
            f"{module} imports {name}"
            for module, names in imports().items()
            if module != "kbtool.loader"
            for name in names
            if name.startswith("kbtool.loader._")
        )
        == []
    )
