from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from kbtool.cli import main


@pytest.fixture(autouse=True, scope="session")
def _index_key_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The search index key (kbtool.search.seal) and the wording-pattern cache
    (kbtool.lint.pattern_cache) live in test folders, not in the user's home."""
    saved = {name: os.environ.get(name) for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME")}
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("config"))
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty knowledge base folder; the working directory is its parent, as for a real repo."""
    root = tmp_path / "kb"
    root.mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KBTOOL_KB", raising=False)
    return root


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run kbtool in-process; any traceback escaping the CLI fails the test."""

    def run(*args: str, input: str | None = None) -> Result:
        result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=True)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(
                f"kbtool raised {result.exception!r}\n{result.output}"
            ) from result.exception
        assert "Traceback" not in result.output
        return result

    return run


@pytest.fixture
def cli_json(cli: Callable[..., Result]) -> Callable[..., tuple[int, Any]]:
    def run(*args: str) -> tuple[int, Any]:
        result = cli(*args, "--json")
        return result.exit_code, json.loads(result.stdout)

    return run
