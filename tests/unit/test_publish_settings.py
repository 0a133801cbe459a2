"""Site settings: the owner's mkdocs.yml over kbtool's defaults, never reaching third parties."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbtool.publish.errors import PublishError
from kbtool.publish.privacy import third_party_loads
from kbtool.publish.settings import find_template, language_config, load_settings, merge


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_built_in_defaults_are_private(tmp_path: Path) -> None:
    settings = load_settings(None)
    config = language_config(settings, "zh", tmp_path / "docs", tmp_path / "site", tmp_path / "o")
    assert config["theme"]["font"] is False
    assert config["theme"]["language"] == "zh"
    assert config["plugins"] == [{"search": {"lang": ["zh", "en"]}}]
    assert config["extra"]["alternate"][1] == {"name": "English", "link": "en/", "lang": "en"}
    assert "kbtool" not in config["extra"]
    english = language_config(settings, "en", tmp_path / "docs", tmp_path / "site", tmp_path / "o")
    assert english["site_name"] == "Patient health information"
    assert english["extra"]["alternate"][0] == {"name": "中文", "link": "../", "lang": "zh"}


def test_owner_settings_are_merged_and_site_folder_layered(tmp_path: Path) -> None:
    (tmp_path / "site" / "assets").mkdir(parents=True)
    template = write(
        tmp_path / "mkdocs.yml",
        "site_name: 示例医院\nsite_url: https://h.example/\n"
        "theme:\n  palette:\n    primary: custom\n"
        "extra_css: [assets/hospital.css]\n",
    )
    settings = load_settings(template)
    assert settings.assets[-1] == tmp_path / "site" / "assets"
    zh = language_config(settings, "zh", tmp_path / "d", tmp_path / "s", tmp_path / "o")
    en = language_config(settings, "en", tmp_path / "d", tmp_path / "s", tmp_path / "o")
    assert (
        zh["site_name"] == "示例医院" and zh["theme"]["features"]
    )  # defaults kept under the merge
    assert zh["extra_css"] == ["assets/kbtool/kbtool.css", "assets/hospital.css"]
    assert en["site_url"] == "https://h.example/en/"


@pytest.mark.parametrize(
    "setting",
    [
        "theme:\n  font:\n    text: Roboto\n",
        "extra:\n  analytics:\n    provider: google\n",
        "extra_javascript: [https://cdn.example/x.js]\n",
        "extra_css: [//fonts.example/x.css]\n",
        "plugins: [search, social]\n",
        "nav: [index.md]\n",
        "theme:\n  name: readthedocs\n",
    ],
)
def test_settings_that_reach_third_parties_are_refused(tmp_path: Path, setting: str) -> None:
    with pytest.raises(PublishError):
        load_settings(write(tmp_path / "mkdocs.yml", setting))


def test_template_is_found_next_to_the_kb(tmp_path: Path) -> None:
    (tmp_path / "kb").mkdir()
    assert find_template(tmp_path / "kb") is None
    write(tmp_path / "mkdocs.yml", "site_name: x\n")
    assert find_template(tmp_path / "kb") == (tmp_path / "mkdocs.yml").resolve()
    with pytest.raises(PublishError):
        find_template(tmp_path / "kb", tmp_path / "missing.yml")


def test_merge_is_deep() -> None:
    assert merge({"a": {"b": 1, "c": 2}, "d": [1]}, {"a": {"b": 3}, "d": [2]}) == {
        "a": {"b": 3, "c": 2},
        "d": [2],
    }


def test_third_party_loads_are_found_in_html() -> None:
    html = (
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css"><script src="//cdn.x/a.js"></script>'
        '<img srcset="a.png 1x, https://t.example/b.png 2x"><link rel="alternate" href="https://x/en/">'
        '<a href="https://www.nhs.uk/">fine</a><style>@import "https://x/y.css";</style>'
        '<link rel="stylesheet" href="../assets/main.css">'
    )
    assert third_party_loads(html) == [
        "https://fonts.googleapis.com/css",
        "//cdn.x/a.js",
        "https://t.example/b.png",
        "https://x/y.css",
    ]
