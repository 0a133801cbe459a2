"""The site's settings: kbtool's defaults (package data) merged with the KB owner's `mkdocs.yml`,
checked for anything that would contact a third party, then one mkdocs config per language.

Where the settings come from, in order: `--config FILE`; else `mkdocs.yml` next to the KB
folder (the repository root for `kb/`); else only the built-in defaults. A `site/` folder next
to that file may hold `overrides/` (theme templates, layered over kbtool's) and `assets/`
(copied into every language's pages, e.g. a hospital logo or stylesheet)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from .errors import PublishError
from .labels import LANGS, LANGUAGE_NAMES, label
from .sitesearch import search_settings
from .urls import lang_root

THEME_DIR = Path(__file__).parent / "theme"
BASE_CONFIG = THEME_DIR / "mkdocs-base.yaml"
GENERATED_KEYS = (
    "docs_dir",
    "site_dir",
    "nav",
    "not_in_nav",
    "hooks",
    "exclude_docs",
    "draft_docs",
)
ALLOWED_PLUGINS = ("search",)
KBTOOL_CSS = "assets/kbtool/kbtool.css"
KBTOOL_JS = "assets/kbtool/kbtool.js"
PREVIEW_JS = "assets/kbtool/preview.js"


@dataclass(frozen=True)
class SiteSettings:
    """Merged settings plus the folders whose files are layered into every build."""

    config: dict[str, Any]
    source: Path | None = None
    overrides: list[Path] = field(default_factory=list)
    assets: list[Path] = field(default_factory=list)


def find_template(kb: Path, explicit: Path | None = None) -> Path | None:
    """The owner's settings file: --config, else mkdocs.yml next to the KB folder, else none."""
    if explicit is not None:
        if not explicit.is_file():
            raise PublishError(
                f"site settings file '{explicit}' not found: "
                "pass an existing mkdocs.yml to --config"
            )
        return explicit
    beside = kb.resolve().parent / "mkdocs.yml"
    return beside if beside.is_file() else None


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise PublishError(
            f"{path}: cannot read the site settings ({error}): fix the YAML"
        ) from None
    if not isinstance(data, dict):
        raise PublishError(f"{path}: the site settings must be 'setting: value' lines")
    return data


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """`extra` over `base`; nested mappings merge, everything else is replaced."""
    merged = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def load_settings(template: Path | None) -> SiteSettings:
    """kbtool's defaults merged with the owner's settings, refused if they reach third parties."""
    config = _read_yaml(BASE_CONFIG)
    overrides, assets = [THEME_DIR / "overrides"], [THEME_DIR / "assets"]
    if template is not None:
        owner = _read_yaml(template)
        problems = [
            f"'{key}' is written by kbtool: remove it" for key in GENERATED_KEYS if key in owner
        ]
        config = merge(config, owner)
        site = template.resolve().parent / "site"
        overrides += [site / "overrides"] if (site / "overrides").is_dir() else []
        assets += [site / "assets"] if (site / "assets").is_dir() else []
    else:
        problems = []
    problems += third_party_settings(config)
    if problems:
        where = template or BASE_CONFIG
        raise PublishError(f"{where}: " + "; ".join(problems))
    return SiteSettings(config=config, source=template, overrides=overrides, assets=assets)


def _external(url: object) -> bool:
    text = str(url.get("path", "") if isinstance(url, dict) else url).strip()
    parts = urlsplit(text)
    return bool(parts.scheme or parts.netloc or text.startswith("//"))


def third_party_settings(config: dict[str, Any]) -> list[str]:
    """Settings that would make a page load something from another host, or are not allowed."""
    problems = []
    theme = _mapping(config.get("theme"))
    if theme.get("name", "material") != "material":
        problems.append("theme.name must be 'material'")
    if theme.get("font", False) is not False:
        problems.append("theme.font must be false (web fonts would load from Google)")
    extra = _mapping(config.get("extra"))
    for key in ("analytics", "consent"):
        if key in extra:
            problems.append(
                f"extra.{key} is not allowed: the site must not track or contact third parties"
            )
    for key in ("extra_css", "extra_javascript"):
        for item in config.get(key) or []:
            if _external(item):
                problems.append(
                    f"{key} entry '{item}' is on another host: copy the file into site/assets/"
                )
    for plugin in config.get("plugins") or []:
        name = next(iter(plugin)) if isinstance(plugin, dict) else str(plugin)
        if name not in ALLOWED_PLUGINS:
            problems.append(
                f"plugin '{name}' is not allowed (only {', '.join(ALLOWED_PLUGINS)}): remove it"
            )
    return problems


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _per_lang(config: dict[str, Any], lang: str) -> dict[str, Any]:
    kbtool = _mapping(_mapping(config.get("extra")).get("kbtool"))
    return _mapping(kbtool.get(lang))


def site_name(settings: SiteSettings, lang: str) -> str:
    """The site's name in `lang`: `extra.kbtool.<lang>.site_name`, else `site_name`."""
    name = _per_lang(settings.config, lang).get("site_name")
    if not name and lang == LANGS[0]:
        name = settings.config.get("site_name")
    return str(name or label(lang, "site_name"))


def language_config(
    settings: SiteSettings,
    lang: str,
    docs_dir: Path,
    site_dir: Path,
    overrides_dir: Path,
    preview: bool = False,
) -> dict[str, Any]:
    """A complete, plain mkdocs config for one language's site."""
    config = copy.deepcopy(settings.config)
    per_lang = _per_lang(config, lang)
    (config.get("extra") or {}).pop("kbtool", None)
    config.update(
        {key: value for key, value in per_lang.items() if key in ("copyright", "site_description")}
    )
    config["site_name"] = site_name(settings, lang)
    if lang != LANGS[0] and config.get("site_url"):
        config["site_url"] = str(config["site_url"]).rstrip("/") + "/" + lang_root(lang)
    config["docs_dir"] = str(docs_dir)
    config["site_dir"] = str(site_dir)
    config["use_directory_urls"] = True
    theme = config.setdefault("theme", {})
    theme.update(
        {"name": "material", "language": lang, "font": False, "custom_dir": str(overrides_dir)}
    )
    config["plugins"] = [{"search": _search_settings(config, lang)}]
    config["extra_css"] = [KBTOOL_CSS, *(config.get("extra_css") or [])]
    config["extra_javascript"] = [
        KBTOOL_JS,
        *([PREVIEW_JS] if preview else []),
        *(config.get("extra_javascript") or []),
    ]
    extra = config.setdefault("extra", {})
    extra["generator"] = extra.get("generator", False)
    extra["alternate"] = [
        {"name": LANGUAGE_NAMES[code], "link": _alternate_link(lang, code), "lang": code}
        for code in LANGS
    ]
    extra["kbtool_search"] = search_settings(lang)  # the site's own search box
    if preview:
        extra["kbtool_preview"] = label(lang, "preview.announce")
    return config


def _alternate_link(current: str, target: str) -> str:
    """A link from one language's site root to another's (relative: works on any host or path)."""
    up = "../" * lang_root(current).count("/")
    return up + lang_root(target) if up or lang_root(target) else "./"


def _search_settings(config: dict[str, Any], lang: str) -> dict[str, Any]:
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and isinstance(plugin.get("search"), dict):
            settings = dict(plugin["search"])
            break
    else:
        settings = {}
    settings.setdefault("lang", ["zh", "en"] if lang == "zh" else [lang])
    return settings
