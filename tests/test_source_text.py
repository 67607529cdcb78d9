"""Folding PDF-extracted text so quotes can be found verbatim and placed on their page."""

from __future__ import annotations

from boligsocial_cli.dataset.source_text import SourceText, fold_source


def test_words_hyphenated_across_lines_are_rejoined() -> None:
    """'indsat-' at a line end followed by 'ser' is the word 'indsatser'."""
    assert fold_source("Boligsociale indsat-\nser – kort\n\nfortalt") == (
        "Boligsociale indsatser – kort fortalt"
    )


def test_real_hyphens_inside_a_line_stay() -> None:
    """A hyphen followed by a space or inside a word on one line is kept."""
    assert fold_source("fritids- og foreningsliv, 2011-14-midler") == (
        "fritids- og foreningsliv, 2011-14-midler"
    )


def test_bullets_and_page_numbers_are_dropped() -> None:
    """Private-use bullet glyphs and lone page-number lines are extraction artefacts."""
    assert fold_source("\uf0b7 Utryghed og manglende trivsel \n\n3 \n\nnæste") == (
        "Utryghed og manglende trivsel næste"
    )


def test_a_word_hyphenated_across_a_page_break_is_found_on_the_first_page() -> None:
    """'arbejds-' ending page 2 and 'plads' starting page 3 make 'arbejdsplads' on page 2."""
    source = SourceText.from_text("Side et.\flivet på en arbejds-\n\n3 \n\fplads, på beboernes")
    assert source.page_of("livet på en arbejdsplads, på beboernes") == 2
    assert source.page_of("plads, på beboernes") == 3
    assert source.page_of("Side et. livet") == 1


def test_a_missing_quote_has_no_page() -> None:
    """A quote that is not in the text gives None."""
    assert SourceText.from_text("a\fb").page_of("c") is None


def test_text_without_form_feeds_is_one_page() -> None:
    """Without page marks everything is page 1."""
    source = SourceText.from_text("én side\nkun")
    assert source.page_starts == (0,)
    assert source.page_of("side kun") == 1
