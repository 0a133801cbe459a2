"""Turn generated Markdown into the static site with mkdocs + mkdocs-material, one site per
language, then put them together in the output folder.

This is the only module that knows about the site engine. Pages are plain Markdown files,
the config is a plain `mkdocs.yml`, the theme changes are overrides: moving to Zensical
(which reads `mkdocs.yml`) means changing ENGINE below."""

from __future__ import annotations

import datetime as dt
import errno
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from .errors import PublishError
from .labels import LANGS
from .settings import SiteSettings, language_config
from .urls import lang_root

ENGINE = [sys.executable, "-m", "mkdocs", "build", "--config-file"]
"""The command that builds one language's site from its config file."""

MARKER = ".kbtool-site"
MARKER_TEXT = "Built by 'kbtool build'. This folder is replaced on every build: do not edit it.\n"


def check_engine() -> None:
    """A clear error (not a traceback) when mkdocs or the theme is missing."""
    missing = [
        name
        for name, module in (("mkdocs", "mkdocs"), ("mkdocs-material", "material"))
        if importlib.util.find_spec(module) is None
    ]
    if missing:
        raise PublishError(
            f"{' and '.join(missing)} not installed, so the site cannot be built: "
            "run  pip install 'mkdocs>=1.6,<1.7' 'mkdocs-material>=9.5,<10' jieba"
        )


def write_files(root: Path, files: dict[str, str]) -> None:
    """Write text files (UTF-8, LF) under `root`, in sorted order."""
    for relative in sorted(files):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[relative], encoding="utf-8", newline="\n")


def _layer(sources: list[Path], target: Path) -> None:
    for source in sources:
        shutil.copytree(source, target, dirs_exist_ok=True)


def prepare(
    work: Path,
    settings: SiteSettings,
    docs: dict[str, dict[str, str]],
    preview: bool,
    navs: dict[str, list[dict[str, str]]],
) -> dict[str, Path]:
    """Write each language's docs, theme overrides and mkdocs config; return the config files."""
    overrides = work / "overrides"
    _layer(settings.overrides, overrides)
    configs = {}
    for lang in LANGS:
        docs_dir = work / lang / "docs"
        write_files(docs_dir, docs[lang])
        _layer(settings.assets, docs_dir / "assets")
        config = language_config(settings, lang, docs_dir, work / lang / "site", overrides, preview)
        config["nav"] = navs[lang]
        config["not_in_nav"] = (
            "*"  # entry and group pages: reachable from the lists, not the sidebar
        )
        path = work / lang / "mkdocs.yml"
        path.write_text(
            yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        configs[lang] = path
    return configs


def _environment(today: dt.date) -> dict[str, str]:
    epoch = int(dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC).timestamp())
    env = dict(os.environ)
    env.update(
        {
            "SOURCE_DATE_EPOCH": str(epoch),
            "PYTHONHASHSEED": "0",
            "NO_MKDOCS_2_WARNING": "1",
            "PYTHONIOENCODING": "utf-8",
        }
    )
    return env


def run_engine(configs: dict[str, Path], today: dt.date) -> list[str]:
    """Build every language's site (in parallel); return the engine's warnings."""
    check_engine()
    env = _environment(today)
    running = []
    for lang, config in configs.items():
        log = config.parent / "build.log"
        with log.open("wb") as handle:
            process = subprocess.Popen(
                [*ENGINE, str(config)],
                stdout=handle,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=config.parent,
            )
        running.append((lang, process, log))
    warnings, failures = [], []
    for lang, process, log in running:
        code = process.wait()
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        warnings += [
            f"[{lang}] {line.strip()}" for line in lines if line.startswith(("WARNING", "ERROR"))
        ]
        if code != 0 and any("No space left on device" in line for line in lines):
            raise PublishError(
                f"the disk holding the temporary build folder ({config.parent.parent}) "
                "is full: nothing was published. Free some space and build again"
            )
        if code != 0:
            tail = "\n".join(lines[-15:])
            failures.append(f"the {lang} site failed to build (mkdocs exit status {code}):\n{tail}")
    if failures:
        raise PublishError("\n".join(failures))
    return warnings


_SEGMENT_BUG = "for(let o=s+1;o<t.length;o++)t.slice(s,o)in e"
_SEGMENT_FIX = "for(let o=s+1;o<=t.length;o++)t.slice(s,o)in e"


def fix_query_segmentation(site: Path) -> int:
    """Work around an off-by-one in mkdocs-material 9.8's search worker.

    The worker splits a Chinese query into words found in the index but never tries a word
    that ends the query (`o < t.length`), so 出血 is searched as 出* + 血 and 流产 ranks 流感
    first. One comparison is corrected in the built copy of the worker; when the theme's code
    differs (another version) the file is left as it is. Returns the number of files fixed."""
    fixed = 0
    for worker in sorted((site / "assets" / "javascripts" / "workers").glob("search.*.min.js")):
        code = worker.read_text(encoding="utf-8")
        if code.count(_SEGMENT_BUG) == 1:
            worker.write_text(code.replace(_SEGMENT_BUG, _SEGMENT_FIX), encoding="utf-8")
            fixed += 1
    return fixed


def assemble(work: Path, configs: dict[str, Path], extra: dict[str, str]) -> Path:
    """One folder: the default language at the root, the others under their prefix, plus `extra`."""
    staged = work / "out"
    for lang, config in configs.items():
        site = config.parent / "site"
        fix_query_segmentation(site)
        target = staged / lang_root(lang) if lang_root(lang) else staged
        if target == staged:
            site.rename(staged)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            site.rename(target)
    write_files(staged, {**extra, MARKER: MARKER_TEXT})
    return staged


def check_output(out: Path) -> None:
    """Refuse an output folder that holds anything but an earlier build (it will be replaced)."""
    out = live_folder(out)
    if not out.exists():
        return
    if not out.is_dir():
        raise PublishError(f"'{out}' exists and is not a folder: choose another --out")
    if any(out.iterdir()) and not (out / MARKER).is_file():
        raise PublishError(
            f"'{out}' is not empty and was not made by 'kbtool build': "
            "choose an empty or new folder for --out (nothing was deleted)"
        )


def live_folder(out: Path) -> Path:
    """The folder the site really lives in: a link given as --out is followed, and stays a link."""
    return Path(os.path.realpath(out)) if out.is_symlink() else out


def replace_output(staged: Path, out: Path) -> None:
    """Switch the finished site in without ever leaving a broken one at `out`.

    The new site is first copied next to `out` (on the same disk, so the switch is a rename);
    only when the copy is complete is it swapped with the old site, in one atomic exchange
    where the system offers it (Linux), else two renames a moment apart. The old site is
    deleted after the switch. A failure before the switch (disk full, no permission) removes
    the copy and leaves `out` exactly as it was."""
    check_output(out)
    out = live_folder(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    incoming = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        _move_into(staged, incoming)
        os.chmod(incoming, 0o755)
        _switch(incoming, out)
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    shutil.rmtree(incoming, ignore_errors=True)  # after an exchange it holds the old site


def _move_into(staged: Path, target: Path) -> None:
    """Put the staged site's files into the empty folder `target`: a rename on the same disk,
    else a copy that stops at the first failure (with its own errno, e.g. disk full)."""
    try:
        os.rename(staged, target)
        return
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
    for folder, dirs, files in os.walk(staged):
        dirs.sort()
        here = target / Path(folder).relative_to(staged)
        here.mkdir(exist_ok=True)
        for name in sorted(files):
            shutil.copyfile(Path(folder) / name, here / name)


def _switch(incoming: Path, out: Path) -> None:
    if not out.exists():
        os.rename(incoming, out)
    elif not _exchange(incoming, out):
        retired = incoming.with_name(incoming.name.replace(".new-", ".old-"))
        os.rename(out, retired)
        try:
            os.rename(incoming, out)
        except BaseException:
            os.rename(retired, out)
            raise
        os.rename(retired, incoming)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    if done == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(error, os.strerror(error), str(second))


def _remove_leftovers(out: Path) -> None:
    """Copies left by a build that was killed before it finished (never the live site). A build
    killed between the two renames of the fallback switch left the old site beside `out`: it
    is put back first."""
    retired = sorted(out.parent.glob(f".{out.name}.old-*"))
    if not out.exists() and retired and (retired[-1] / MARKER).is_file():
        os.rename(retired[-1], out)
    for pattern in (f".{out.name}.new-*", f".{out.name}.old-*"):
        for path in out.parent.glob(pattern):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)


def disk_error(error: OSError, out: Path) -> PublishError:
    """One line for an operating-system failure while building: what happened and what to do."""
    where = live_folder(out)
    kept = (
        f"the site in '{where}' was left as it was" if where.exists() else "nothing was published"
    )
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return PublishError(
            f"the disk is full, so the new site could not be written next to '{where}': {kept}. "
            "Free some space (or choose another --out) and build again"
        )
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return PublishError(
            f"permission denied writing {error.filename or where}: {kept}. "
            "Build as a user who may write there, or choose another --out"
        )
    return PublishError(
        f"could not write the site ({error.strerror or error}: {error.filename or where}): {kept}"
    )
