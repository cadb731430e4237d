"""Ready to publish (issue 20): the wheel and sdist as built from this tree, offline.

The licence travels in the wheel; the metadata has classifiers and no project URLs
(ROUND2: none); the long description (README.md) links only to files the sdist ships, and
its picture is one of them, so it reads the same outside this repository.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)[^)]*\)")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-d", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return wheel, sdist


def test_the_wheel_carries_the_licence_and_the_metadata(built: tuple[Path, Path]) -> None:
    wheel, _sdist = built
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(info).decode())
        licence = next(n for n in names if n.endswith(".dist-info/licenses/LICENSE"))
        text = archive.read(licence).decode()
    assert "MIT License" in text and "the dutyboard authors" in text
    assert metadata["License-Expression"] == "MIT"
    assert metadata["Author"] == "the dutyboard authors"
    classifiers = metadata.get_all("Classifier") or []
    assert "Environment :: Console" in classifiers
    assert "Natural Language :: Chinese (Simplified)" in classifiers
    assert not metadata.get_all("Project-URL") and not metadata["Home-page"]
    # Both packages, typed, with the translations; the tests stay out of the wheel.
    assert "dutyboard/py.typed" in names and "widgets/py.typed" in names
    assert "dutyboard/locale/zh_CN.py" in names
    assert not [n for n in names if n.startswith("tests/")]


def test_the_long_description_links_only_to_what_the_sdist_ships(
    built: tuple[Path, Path],
) -> None:
    wheel, sdist = built
    with zipfile.ZipFile(wheel) as archive:
        info = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        description = Parser().parsestr(archive.read(info).decode()).get_payload()
    assert isinstance(description, str) and description.startswith("# dutyboard")
    with tarfile.open(sdist) as archive:
        shipped = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    targets = LINK.findall(description)
    assert "docs/screenshot.svg" in targets  # the picture
    for target in targets:
        assert "://" not in target and not target.startswith(("/", "..")), target
        assert target.split("#")[0] in shipped, target
    assert "../" not in description  # no path that leaves the package
