"""Bump one distribution's version and changelog, after checking its siblings still accept it.

Usage: `nox -s release -- <package> <version>` (or `python tools/release.py <package> <version>`),
where <package> is `kernels`, `core`, `autograd` or the full distribution name. Nothing is
written unless every check passes; the tag to push is printed at the end. Rules: docs/releasing.md.
"""

from __future__ import annotations

import datetime
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[1]
DISTRIBUTIONS = ("mg-kernels", "mg-core", "mg-autograd")
VERSION_LINE = re.compile(r'^version = "([^"]+)"', re.MULTILINE)
PY_VERSION_LINE = re.compile(r'^__version__ = "([^"]+)"', re.MULTILINE)
UNRELEASED = re.compile(r"^## \[?Unreleased\]?[ \t]*\n", re.MULTILINE | re.IGNORECASE)


class ReleaseError(Exception):
    """A release that must not happen, with the reason and the fix."""


@dataclass(frozen=True)
class Edit:
    """New text for one file."""

    path: Path
    text: str


def distribution_name(package: str) -> str:
    """Map `core` or `mg-core` to `mg-core`; raise ReleaseError for anything else.

    >>> distribution_name("kernels")
    'mg-kernels'
    """
    name = package if package.startswith("mg-") else f"mg-{package}"
    if name not in DISTRIBUTIONS:
        raise ReleaseError(f"unknown package {package!r}; choose one of {', '.join(DISTRIBUTIONS)}")
    return name


def plan_release(root: Path, package: str, new_version: str, today: datetime.date) -> list[Edit]:
    """Return the file edits that release `package` as `new_version`, or raise ReleaseError."""
    name = distribution_name(package)
    folder = root / "packages" / name
    pyproject = (folder / "pyproject.toml").read_text()
    current = Version(tomllib.loads(pyproject)["project"]["version"])
    try:
        target = Version(new_version)
    except InvalidVersion as error:
        raise ReleaseError(f"{new_version!r} is not a PEP 440 version") from error
    if target <= current:
        raise ReleaseError(f"{name} is at {current}; the new version must be newer, not {target}")
    check_dependents_accept(root, name, target)
    edits = [Edit(folder / "pyproject.toml", replace_version(VERSION_LINE, pyproject, target))]
    for version_file in folder.glob("src/*/_version.py"):
        text = version_file.read_text()
        edits.append(Edit(version_file, replace_version(PY_VERSION_LINE, text, target)))
    changelog = folder / "CHANGELOG.md"
    edits.append(Edit(changelog, release_changelog(changelog.read_text(), target, today)))
    return edits


def check_dependents_accept(root: Path, name: str, target: Version) -> None:
    """Raise ReleaseError if a sibling's declared range for `name` would exclude `target`."""
    for other in DISTRIBUTIONS:
        project = tomllib.loads((root / "packages" / other / "pyproject.toml").read_text())
        for line in project["project"].get("dependencies", []):
            req = Requirement(line)
            if req.name == name and not req.specifier.contains(target, prereleases=True):
                raise ReleaseError(
                    f"{other} requires '{req}', which excludes {name} {target}. Widen that range "
                    f"first (and, for mg-kernels, KERNELS_REQUIREMENT in mg_core/_kernels.py), "
                    f"releasing {other} too; see docs/releasing.md"
                )


def replace_version(pattern: re.Pattern[str], text: str, target: Version) -> str:
    new_text, count = pattern.subn(lambda m: m.group(0).replace(m.group(1), str(target)), text)
    if count != 1:
        raise ReleaseError(f"expected one version line matching {pattern.pattern!r}")
    return new_text


def release_changelog(text: str, target: Version, today: datetime.date) -> str:
    """Turn the Unreleased section into the `target` release and open a new, empty one.

    >>> print(release_changelog("# C\\n\\n## Unreleased\\n\\n- Fixed x.\\n", Version("1.0"),
    ...                         datetime.date(2026, 1, 2)))
    # C
    <BLANKLINE>
    ## [Unreleased]
    <BLANKLINE>
    ## [1.0] - 2026-01-02
    <BLANKLINE>
    - Fixed x.
    <BLANKLINE>
    """
    match = UNRELEASED.search(text)
    if match is None:
        raise ReleaseError("CHANGELOG.md has no '## [Unreleased]' section")
    rest = text[match.end() :]
    next_heading = re.search(r"^## ", rest, re.MULTILINE)
    notes = rest[: next_heading.start() if next_heading else len(rest)]
    if not notes.strip():
        raise ReleaseError("the Unreleased section of CHANGELOG.md is empty: say what changed")
    heading = f"## [Unreleased]\n\n## [{target}] - {today.isoformat()}\n"
    return text[: match.start()] + heading + rest


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    package, version = argv
    try:
        edits = plan_release(ROOT, package, version, datetime.date.today())
    except ReleaseError as error:
        print(f"release refused: {error}", file=sys.stderr)
        return 1
    for edit in edits:
        edit.path.write_text(edit.text)
        print(f"updated {edit.path.relative_to(ROOT)}")
    name = distribution_name(package)
    print(f"next: review, commit, then `git tag {name}-v{version}` and push the tag")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
