"""The direct way a plain YAML document is built gives what PyYAML's general way gives."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from boligsocial_cli.dataset import safe_yaml
from boligsocial_cli.dataset.locations import bundled_dataset_path
from boligsocial_cli.dataset.safe_yaml import YamlDocument, read_yaml_text
from boligsocial_cli.errors import DatasetError

from .conftest import FIXTURES


def _general(text: str, monkeypatch: pytest.MonkeyPatch) -> YamlDocument | DatasetError:
    def not_plain(*_args: object) -> Any:
        raise safe_yaml._NotPlainError

    with monkeypatch.context() as patch:
        patch.setattr(safe_yaml._LocatingLoader, "_construct_plain", not_plain)
        return _read(text)


def _read(text: str) -> YamlDocument | DatasetError:
    try:
        return read_yaml_text(text, "f.yaml")
    except DatasetError as error:
        return error


def _located(document: YamlDocument) -> list[tuple[str, int | None]]:
    """Every container and member of the data with its line, in the data's order."""
    found: list[tuple[str, int | None]] = []
    stack: list[tuple[str, Any]] = [("", document.data)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict | list):
            found.append((path, document.positions.line_of(item)))
            members = item.items() if isinstance(item, dict) else enumerate(item)
            for key, value in members:
                found.append((f"{path}/{key!r}", document.positions.line_of(item, key)))
                stack.append((f"{path}/{key!r}", value))
    return found


def assert_same(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    direct, general = _read(text), _general(text, monkeypatch)
    if isinstance(general, DatasetError):
        assert isinstance(direct, DatasetError)
        assert direct.problems == general.problems
        return
    assert isinstance(direct, YamlDocument)
    assert direct.data == general.data
    assert [type(x) for x in _flatten(direct.data)] == [type(x) for x in _flatten(general.data)]
    assert direct.duplicate_keys == general.duplicate_keys
    assert _located(direct) == _located(general)


def _flatten(data: Any) -> list[Any]:
    if isinstance(data, dict):
        return [data, *(x for k, v in data.items() for x in (k, *_flatten(v)))]
    if isinstance(data, list):
        return [data, *(x for v in data for x in _flatten(v))]
    return [data]


TEXTS = {
    "duplicate keys": "a: 1\nb: {c: 2, c: 3}\na: x\n",
    "anchors and aliases": "base: &b {x: 1}\nuses: [*b, *b]\n",
    "merge keys": "base: &b {x: 1, y: 2}\nthis:\n  <<: *b\n  y: 3\n",
    "tags": "a: !!int '12'\nb: !!str 12\nc: !!binary aGk=\nd: !!set {x, y}\n",
    "a bad date": "a: 2019-02-30\n",
    "numbers": "a: 0x1f\nb: 010\nc: 1_000\nd: 1.5\ne: .inf\nf: ~\ng: yes\nh: 2020-01-02\n",
    "complex keys": "? [a, b]\n: 1\n",
    "whole-number keys": "1: a\n2: b\n",
    "deep": "a: " + "[" * 70 + "]" * 70 + "\n",
    "empty": "# nothing\n",
    "a scalar": "just text\n",
}


@pytest.mark.parametrize("name", list(TEXTS))
def test_the_direct_way_is_the_general_way(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever a document holds, its data, lines and duplicate keys are the same."""
    assert_same(TEXTS[name], monkeypatch)


def _dataset_texts() -> dict[str, str]:
    """The bundled dataset's and every fixture's text, good and bad, that is UTF-8 text (the
    fixtures that are not are refused before YAML reads them)."""
    paths = [bundled_dataset_path(), *sorted(FIXTURES.glob("*.yaml")), *FIXTURES.glob("bad/*")]
    texts = {}
    for path in sorted(paths):
        try:
            texts[f"{path.parent.name}/{path.name}"] = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, IsADirectoryError):
            continue
    return texts


DATASET_TEXTS = _dataset_texts()


@pytest.mark.parametrize("name", list(DATASET_TEXTS))
def test_every_dataset_file_is_built_alike(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundled dataset and every fixture, good and bad, read the same either way."""
    assert len(DATASET_TEXTS) > 20
    assert_same(DATASET_TEXTS[name], monkeypatch)


_scalars = st.one_of(
    st.text(max_size=8), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False)
)
_documents = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=20,
)


@settings(deadline=None)
@given(data=_documents, flow=st.sampled_from([True, False, None]))
def test_generated_documents_are_built_alike(data: Any, flow: bool | None) -> None:
    """Any document PyYAML writes reads back the same either way."""
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert_same(text, monkeypatch)
