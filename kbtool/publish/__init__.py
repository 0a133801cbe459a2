"""The public patient site: signed-off entries -> Markdown pages + JSON -> static site (mkdocs).

One stage per module: `select` (what is published, which revision), `catalog` (order and
groups), `render` (safe HTML from entry Markdown), `pages` (entry pages), `navigation`
(home, sections, A to Z, specialties, tags), `api` (JSON copies), `sitesearch` (the index of
the site's own search box), `settings` (the site's mkdocs config), `mkdocs_build` (the
engine), `privacy` (no third-party requests), `build` (the pipeline) and `preview` (the
author's live preview)."""

from .build import BuildReport, build_site
from .errors import PublishError

__all__ = ["BuildReport", "PublishError", "build_site"]
