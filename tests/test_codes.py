"""统一社会信用代码 (GB 32100-2015) and 组织机构代码 (GB 11714-1997) check characters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parknet.codes import is_valid_uscc, make_uscc, org_code_check_char, uscc_check_char, uscc_problem

# Codes printed on public business licences (published examples, incl. the one in GB 32100-2015 itself).
PUBLISHED = ["91350100M000100Y43", "91440300708461136T", "914403001922038216"]


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid(code: str) -> None:
    assert uscc_problem(code) is None


def test_gb32100_example_check_character() -> None:
    assert uscc_check_char("91350100M000100Y4") == "3"


def test_gb11714_check_character_examples() -> None:
    # D2143569-X is the worked example of GB 11714-1997; 70846113-6 is embedded in 91440300708461136T.
    assert org_code_check_char("D2143569") == "X"
    assert org_code_check_char("70846113") == "6"


@pytest.mark.parametrize("code,reason", [
    ("9144030070846113", "must have 18 characters, got 16"),
    ("91440300708461136I", "outside GB 32100"),
    ("9144AB00708461136T", "positions 3–8"),
    ("91440300708461137T", "embedded organization code check digit is 7, expected 6"),
    ("91440300708461136U", "check digit is U, expected T"),
])
def test_invalid_codes_say_why(code: str, reason: str) -> None:
    problem = uscc_problem(code)
    assert problem is not None and reason in problem


@given(st.sampled_from(["110000", "420100", "650200"]), st.integers(0, 10**8 - 1))
def test_made_codes_are_valid_and_any_single_change_is_caught(division: str, serial: int) -> None:
    code = make_uscc(division, serial)
    assert is_valid_uscc(code)
    changed = code[:17] + ("0" if code[17] != "0" else "1")
    assert not is_valid_uscc(changed)
