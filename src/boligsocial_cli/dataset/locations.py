"""Where the dataset is: the files to read, the bundled one, and the label records carry.

Kept apart from `dataset` (which parses and checks files) so that a lookup served from
the cache imports nothing that parsing needs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from boligsocial_cli.model import BaseDataset

DATA_ENV = "BOLIGSOCIAL_DATA"
BUNDLED_LABEL = BaseDataset.BUNDLED.value


def _packaged(name: str) -> Path:
    """A file in the package's `data` folder."""
    beside = Path(__file__).parent.parent / "data" / name
    if beside.is_file():  # an unpacked package, as pip installs it: no importlib.resources
        return beside
    from importlib import resources  # noqa: PLC0415 - a zipped package, say

    return Path(str(resources.files("boligsocial_cli") / "data" / name))


def bundled_dataset_path() -> Path:
    """The dataset that ships inside the package."""
    return _packaged("findings.yaml")


def bundled_booklet_path() -> Path:
    """The booklet's extracted text that ships inside the package: a form feed per page."""
    return _packaged("booklet.txt")


def origin_label(path: Path) -> str:
    """The label records from `path` carry: `bundled` for the packaged dataset, else the path."""
    bundled = bundled_dataset_path()
    if path == bundled:
        return BUNDLED_LABEL
    try:
        same = path.resolve() == bundled.resolve()
    except (OSError, RuntimeError):  # a symlink loop, say: then it is not the bundled file
        same = False
    return BUNDLED_LABEL if same else str(path)


def dataset_paths(
    explicit: Sequence[Path] = (), env: Mapping[str, str] = os.environ
) -> tuple[Path, ...]:
    """The files to read: those given, else BOLIGSOCIAL_DATA's, else the bundled one."""
    if explicit:
        return tuple(explicit)
    from_env = [part for part in env.get(DATA_ENV, "").split(os.pathsep) if part.strip()]
    if from_env:
        return tuple(Path(part) for part in from_env)
    return (bundled_dataset_path(),)
