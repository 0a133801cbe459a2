"""In CI the browser tests must run, not skip: fail loudly when their tools are missing."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest


@pytest.mark.skipif(
    not os.environ.get("CI"), reason="only checked in CI, where .ci/run installs the browser"
)
def test_browser_tools_are_installed_in_ci() -> None:
    assert Path("/usr/bin/chromium").exists(), (
        "Debian's chromium is missing: .ci/run should install it"
    )
    assert importlib.util.find_spec("playwright") is not None, (
        "playwright is missing from the test extra"
    )
    axe = (
        Path(__file__).resolve().parents[1] / "browser" / "node_modules" / "axe-core" / "axe.min.js"
    )
    assert axe.exists(), "axe-core is missing: .ci/run should run npm ci in tests/browser"


@pytest.mark.skipif(
    not os.environ.get("CI"), reason="only checked in CI, where .ci/run installs nginx"
)
def test_deployment_tools_are_installed_in_ci() -> None:
    import shutil

    assert shutil.which("nginx") or Path("/usr/sbin/nginx").exists(), (
        "nginx is missing: .ci/run should install it"
    )
    assert shutil.which("openssl"), "openssl is missing: .ci/run should install it"
