"""Lay dataset files over one another: records are added, collisions refused, replacements kept.

The first file is the base dataset; each later file is an overlay that adds themes, findings
and references, and may replace an earlier record by reusing its id with `replaces: true`.
`merge` is pure: it works on files already read and checked one by one (`Layer`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from boligsocial_cli.errors import DatasetError, Problem, UsageError, did_you_mean
from boligsocial_cli.i18n import N_, _
from boligsocial_cli.model import BaseDataset, Dataset, DatasetFile

from .validate import Link, Place, check_links

OVERLAY_SECTIONS = ("themes", "findings", "references")
"""The sections a file laid over another may add to, or replace records of."""

BASE_SECTIONS = ("meta", "evidence_kinds", "challenges", "background", "glossary")
"""The sections only the first file, the base dataset, may have."""

_NOUNS = {"themes": N_("theme"), "findings": N_("finding"), "references": N_("reference")}


@dataclass(frozen=True, slots=True)
class Layer:
    """One dataset file, read and checked on its own, with where each of its parts is written.

    It depends on that file's content (and the name it is shown by) only, so it can be cached.
    """

    file: str
    """The file as named in messages."""
    origin: str
    """The label its records carry: `bundled`, or the file."""
    content: DatasetFile
    places: Mapping[str, Mapping[str, Place]]
    """For each of OVERLAY_SECTIONS, where each record is written, by id."""
    sections: Mapping[str, Place]
    """Where each top-level key is written."""
    links: tuple[Link, ...]
    """The themes and citations its records name, resolved when files are merged."""

    @property
    def is_bundled(self) -> bool:
        """Whether this is the dataset that ships with the package."""
        return self.origin == BaseDataset.BUNDLED.value

    @property
    def name(self) -> str:
        """The file as named in prose: the bundled dataset, or the file."""
        return "the bundled dataset" if self.is_bundled else self.file


class LayerError(DatasetError):
    """A file with problems of its own, still carrying what it links to and defines.

    Its themes and citations are checked against the files before it all the same, so that
    one run reports every problem.
    """

    def __init__(
        self,
        problems: Sequence[Problem],
        links: tuple[Link, ...],
        defines: Mapping[str, frozenset[str]],
        extends_bundled: bool,
    ) -> None:
        super().__init__(list(problems))
        self.links = links
        self.defines = defines
        self.extends_bundled = extends_bundled

    def __reduce__(self) -> tuple[type[LayerError], tuple[object, ...]]:
        """Pickled whole, so that a file read in a worker process fails as one read here."""
        return (LayerError, (self.problems, self.links, self.defines, self.extends_bundled))

    def unresolved(self, before: Sequence[Layer]) -> list[Problem]:
        """Its links that neither it nor the files `before` it define."""
        themes, references = _defined(before)
        return check_links(
            self.links, themes | self.defines["themes"], references | self.defines["references"]
        )


class _Record(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def replaces(self) -> bool: ...


RecordT = TypeVar("RecordT", bound=_Record)


def merge(layers: Sequence[Layer]) -> Dataset:
    """Combine files in order: the first is the base, each later one adds or replaces records.

    Raises DatasetError with every problem found: a base without meta or evidence kinds, an
    overlay with a section only the base may have, a file read twice, an id used again without
    `replaces: true`, `replaces: true` with nothing to replace, a theme or citation that no file
    up to and including its own defines.
    """
    if not layers:
        raise UsageError(_("No dataset file given."))
    problems = _check_base(layers[0])
    if problems:  # with the wrong base, every other complaint would be noise
        raise DatasetError(problems)
    kept = [layers[0]]
    for layer in layers[1:]:
        if any(layer.origin == before.origin for before in kept):
            problems.append(Problem(layer.file, _("this file is read twice; name it once")))
            continue
        problems.extend(_check_overlay(layer, kept[0]))
        kept.append(layer)
    themes, theme_problems = _merge_section("themes", kept, lambda content: content.themes)
    findings, finding_problems = _merge_section("findings", kept, lambda content: content.findings)
    references, reference_problems = _merge_section(
        "references", kept, lambda content: content.references
    )
    problems.extend((*theme_problems, *finding_problems, *reference_problems))
    problems.extend(_check_links(kept))
    base = layers[0].content
    if problems or base.meta is None:
        order = {layer.file: index for index, layer in enumerate(layers)}
        problems.sort(key=lambda problem: (order.get(problem.file, 0), problem.line or 0))
        raise DatasetError(problems)
    return Dataset(
        meta=base.meta,
        evidence_kinds=base.evidence_kinds,
        themes=themes,
        findings=findings,
        references=references,
        challenges=base.challenges,
        background=base.background,
        glossary=base.glossary,
    )


def _check_base(base: Layer) -> list[Problem]:
    """The first file must be a whole dataset, and not one that asks for another beneath it."""
    problems: list[Problem] = []
    if base.content.extends is BaseDataset.BUNDLED and not base.is_bundled:
        problems.append(
            _place_of(base, "extends").problem(
                _("this file is laid over the bundled dataset, which must be read before it")
            )
        )
        return problems
    missing = [
        key
        for key, value in (
            ("meta", base.content.meta),
            ("evidence_kinds", base.content.evidence_kinds),
        )
        if not value
    ]
    if missing:
        problems.append(
            Problem(
                base.file,
                _(
                    "no {sections}: the first file is the base dataset and needs meta and "
                    "evidence_kinds. To lay this file over the booklet's data, add "
                    "'extends: bundled'; over another file, name that file first "
                    "(--data base.yaml --data this.yaml)"
                ).format(sections=_(" and ").join(missing)),
            )
        )
    return problems


def _check_overlay(layer: Layer, base: Layer) -> list[Problem]:
    """A file laid over others: only overlay sections, and its `extends` satisfied."""
    problems: list[Problem] = []
    for key in BASE_SECTIONS:
        if key in layer.sections:
            problems.append(
                _place_of(layer, key).problem(
                    _(
                        "only the base dataset (the first file, here {base}) may have {key}; "
                        "files laid over it add themes, findings and references"
                    ).format(base=base.name, key=key)
                )
            )
    if layer.content.extends is BaseDataset.BUNDLED and not base.is_bundled:
        problems.append(
            _place_of(layer, "extends").problem(
                _(
                    "'extends: bundled', but the base dataset here is {base}; remove this line "
                    "to lay the file over that one"
                ).format(base=base.name)
            )
        )
    return problems


def _place_of(layer: Layer, key: str) -> Place:
    """Where a top-level key of a file is written."""
    return layer.sections.get(key, Place(layer.file, None, key))


def _merge_section(
    section: str, layers: Sequence[Layer], records_of: Callable[[DatasetFile], tuple[RecordT, ...]]
) -> tuple[tuple[RecordT, ...], list[Problem]]:
    """One section's records over all files: new ids appended, replacements kept in place."""
    noun = _NOUNS[section]
    merged: dict[str, tuple[RecordT, Place]] = {}
    problems: list[Problem] = []
    for layer in layers:
        places = layer.places.get(section, {})
        for record in records_of(layer.content):
            place = places.get(record.id, Place(layer.file, None, section))
            earlier = merged.get(record.id)
            if earlier is None and record.replaces:
                hint = did_you_mean(record.id, merged)
                message = _("'replaces: true', but no earlier file has a {noun} {id!r}{hint}")
                message = message.format(noun=_(noun), id=record.id, hint=hint)
                problems.append(place.problem(message, "id"))
            elif earlier is not None and not record.replaces:
                first = earlier[1]
                message = _(
                    "{noun} {id!r} is already defined at {first}; add 'replaces: true' to "
                    "replace it, or choose another id"
                ).format(noun=_(noun), id=record.id, first=first)
                problems.append(place.problem(message, "id"))
                continue
            merged[record.id] = (record, place)
    return tuple(record for record, _ in merged.values()), problems


def _defined(layers: Sequence[Layer]) -> tuple[set[str], set[str]]:
    """The theme ids and reference ids that `layers` define."""
    themes = {theme.id for layer in layers for theme in layer.content.themes}
    references = {reference.id for layer in layers for reference in layer.content.references}
    return themes, references


def _check_links(layers: Sequence[Layer]) -> list[Problem]:
    """Each file's themes and citations must be defined in it or in a file before it."""
    return [
        problem
        for index, layer in enumerate(layers)
        for problem in check_links(layer.links, *_defined(layers[: index + 1]))
    ]
