"""Words generated from values: each band and direction at and around its edges."""
from __future__ import annotations

import pytest

from growthpath.analysis import words


@pytest.mark.parametrize("p,text", [(1.0, "almost certain"), (0.9, "almost certain"), (0.8999, "likely"), (0.6, "likely"),
                                    (0.5, "about even"), (0.39, "unlikely"), (0.1, "unlikely"), (0.05, "very unlikely"),
                                    (0.0099, "practically impossible"), (0.0, "practically impossible")])
def test_likelihood_bands(p, text):
    assert words.likelihood(p) == text


def test_likelihood_refuses_a_non_probability():
    for bad in (-0.1, 1.2, float("nan")):
        with pytest.raises(ValueError):
            words.likelihood(bad)


@pytest.mark.parametrize("value,text", [(0, "below the interval"), (11, "above the interval"), (5, "inside the interval"),
                                        (9.9, "inside the interval, near its upper end"), (1.5, "inside the interval, near its lower end")])
def test_position(value, text):
    assert words.position(value, 1, 10) == text


def test_compare():
    assert (words.compare(2, 1), words.compare(1, 2), words.compare(1, 1 + 1e-12)) == ("above", "below", "equal to")


def test_a_sentence_after_a_colon_lowercases_ordinary_words_only():
    from growthpath.markup import after_colon

    assert after_colon("The same result (x) is credited") == "the same result (x) is credited"
    assert after_colon("WeChat mini-program e-commerce alone") == "WeChat mini-program e-commerce alone"
    assert after_colon("000 §3.1 says") == "000 §3.1 says"
