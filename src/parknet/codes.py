"""Validation of official codes: 统一社会信用代码 (GB 32100-2015) and the 组织机构代码 (GB 11714-1997)
embedded in it. (GB/T 2260 and GB/T 4754 codes are checked against the reference tables by the store.)
"""

from __future__ import annotations

import re

__all__ = [
    "USCC_ALPHABET",
    "uscc_check_char",
    "org_code_check_char",
    "uscc_problem",
    "is_valid_uscc",
    "make_uscc",
]

#: The 31 characters of GB 32100-2015 (digits and capitals without I, O, S, V, Z).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # 3^(i) mod 31
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(first17: str) -> str:
    """Check character of a 统一社会信用代码 (GB 32100-2015 §4.5).

    C18 = 31 − (Σ_{i=1..17} C_i · W_i mod 31), with W_i = 3^(i−1) mod 31 and 31 ↦ 0; the value is
    written with the code's 31-character alphabet.
    """
    if len(first17) != 17 or any(c not in _USCC_VALUE for c in first17):
        raise ValueError(f"need 17 characters of the GB 32100 alphabet, got {first17!r}")
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """Check character of a 组织机构代码 (GB 11714-1997): C9 = 11 − (Σ C_i·W_i mod 11), 10 ↦ X, 11 ↦ 0.

    Digits count as 0–9 and capital letters as 10–35; W = (3, 7, 9, 10, 5, 8, 4, 2).
    """
    if len(first8) != 8 or not re.fullmatch(r"[0-9A-Z]{8}", first8):
        raise ValueError(f"need 8 digits or capitals, got {first8!r}")
    total = sum(int(c, 36) * w for c, w in zip(first8, _ORG_WEIGHTS))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def uscc_problem(code: str) -> str | None:
    """Why ``code`` is not a valid 统一社会信用代码, or ``None`` when it is.

    Checks the length (18), the alphabet, the 6-digit administrative division code (positions 3–8),
    the embedded 组织机构代码's check character (position 17, GB 11714) and the code's own check
    character (position 18, GB 32100).
    """
    if len(code) != 18:
        return f"统一社会信用代码 must have 18 characters, got {len(code)}"
    bad = sorted({c for c in code if c not in _USCC_VALUE})
    if bad:
        return f"统一社会信用代码 has characters outside GB 32100 (no I, O, S, V, Z, lower case): {''.join(bad)}"
    if not code[2:8].isdigit():
        return "统一社会信用代码 positions 3–8 must be a 6-digit administrative division code"
    if re.fullmatch(r"[0-9A-Z]{8}", code[8:16]):
        expected_org = org_code_check_char(code[8:16])
        if code[16] != expected_org:
            return f"统一社会信用代码 embedded organization code check digit is {code[16]}, expected {expected_org}"
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码 check digit is {code[17]}, expected {expected}"
    return None


def is_valid_uscc(code: str) -> bool:
    """``True`` when ``code`` is a valid 统一社会信用代码 (see :func:`uscc_problem`)."""
    return uscc_problem(code) is None


def make_uscc(division_code: str, serial: int, *, authority: str = "9", org_type: str = "1") -> str:
    """Build a valid 统一社会信用代码 from a division code and a serial number (for synthetic data).

    The organization code body is the serial in base 10, 8 digits, followed by its GB 11714 check
    character; then the GB 32100 check character.
    """
    if not re.fullmatch(r"\d{6}", division_code):
        raise ValueError(f"division_code must be 6 digits, got {division_code!r}")
    if not 0 <= serial < 10**8:
        raise ValueError(f"serial must be in [0, 10^8), got {serial}")
    body = f"{serial:08d}"
    first17 = f"{authority}{org_type}{division_code}{body}{org_code_check_char(body)}"
    return first17 + uscc_check_char(first17)
