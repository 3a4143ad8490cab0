"""Unified social credit codes (统一社会信用代码) are checked exactly as GB 32100-2015 defines them."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from creditdesk.customers.uscc import (
    ALPHABET,
    AUTHORITIES,
    normalise_uscc,
    uscc_check_character,
    validate_uscc,
)

HUAWEI = "914403001922038216"
REAL_CODES = [HUAWEI, "91350100M000100Y43", "91330100799655058B"]


def refusal(raw: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_uscc(raw)
    return caught.value


# --- the alphabet and the check character ---------------------------------------------------------


def test_the_alphabet_has_31_characters_and_leaves_out_i_o_s_v_z():
    assert len(ALPHABET) == 31
    assert set(ALPHABET) == set("0123456789ABCDEFGHJKLMNPQRTUWXY")
    assert not set("IOSVZ") & set(ALPHABET)


def test_registration_authorities_are_the_digits_1_to_9_and_a_n_y():
    assert AUTHORITIES == "123456789ANY"


@pytest.mark.parametrize("code", REAL_CODES)
def test_the_check_character_of_a_real_code_is_its_18th_character(code):
    assert uscc_check_character(code[:17]) == code[17]


def test_a_sum_divisible_by_31_gives_check_character_zero():
    # All zeros weigh nothing: 31 − 0 mod 31 = 31, which is written as 0.
    assert uscc_check_character("0" * 17) == "0"


# --- real codes pass ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    assert validate_uscc(code) is None


# --- normalisation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("914403001922038216", "914403001922038216"),
        (" 9144 0300 1922 0382 16 ", "914403001922038216"),
        ("91-440300-192203821-6", "914403001922038216"),
        ("91350100m000100y43", "91350100M000100Y43"),
        ("\t91330100-79965 505 8b\n", "91330100799655058B"),
    ],
)
def test_spaces_hyphens_and_lower_case_are_normalised_away(raw, normalised):
    assert normalise_uscc(raw) == normalised
    assert validate_uscc(raw) is None


# --- every kind of wrong code ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "length"),
    [("", 0), ("91440300192203821", 17), ("9144030019220382161", 19), ("91 44 03", 6)],
)
def test_a_code_without_18_characters_is_refused_with_its_length(raw, length):
    error = refusal(raw)
    assert error.code == "length"
    assert error.messages == [
        f"A unified social credit code has 18 characters; “{normalise_uscc(raw)}” has {length}."
    ]


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_the_letters_i_o_s_v_z_are_refused_with_their_position(letter):
    code = HUAWEI[:9] + letter + HUAWEI[10:]
    error = refusal(code)
    assert error.code == "character"
    assert error.messages == [
        f"Character 10 (“{letter}”) is not allowed: codes use digits and capital letters "
        "except I, O, S, V and Z."
    ]


def test_a_lower_case_forbidden_letter_is_refused_as_the_capital():
    error = refusal("91440300192203821i")
    assert error.code == "character"
    assert "Character 18 (“I”)" in error.messages[0]


@pytest.mark.parametrize(("position", "char"), [(1, "#"), (5, "."), (12, "_"), (18, "*"), (3, "３")])
def test_punctuation_and_full_width_characters_are_refused(position, char):
    code = HUAWEI[: position - 1] + char + HUAWEI[position:]
    error = refusal(code)
    assert error.code == "character"
    assert error.messages[0].startswith(f"Character {position} (“{char}”) is not allowed")


@pytest.mark.parametrize("authority", ["0", "B", "M", "X"])
def test_a_first_character_that_is_no_registration_authority_is_refused(authority):
    body = authority + HUAWEI[1:17]
    error = refusal(body + uscc_check_character(body))
    assert error.code == "authority"
    assert error.messages == [f"“{authority}” is not a registration authority code."]


@pytest.mark.parametrize("division", ["A40300", "44030X", "4403B0", "M00000"])
def test_an_administrative_division_that_is_not_six_digits_is_refused(division):
    body = "91" + division + HUAWEI[8:17]
    error = refusal(body + uscc_check_character(body))
    assert error.code == "division"
    assert error.messages == ["Characters 3 to 8 must be the six-digit administrative division code."]


def test_a_wrong_check_character_is_refused_naming_the_expected_one():
    error = refusal("914403001922038217")
    assert error.code == "check"
    assert error.messages == ["Wrong check character “7”: for 91440300192203821 it should be “6”."]


def test_a_transposition_of_two_digits_is_caught_by_the_check_character():
    swapped = HUAWEI[:12] + HUAWEI[13] + HUAWEI[12] + HUAWEI[14:]
    assert swapped == "914403001922308216"
    assert refusal(swapped).code == "check"


def test_the_first_problem_found_is_reported_length_before_anything_else():
    assert refusal("I0").code == "length"
    assert refusal("0I" + HUAWEI[2:]).code == "character"
    assert refusal("0" + HUAWEI[1:]).code == "authority"


# --- properties ----------------------------------------------------------------------------------

alphabet_chars = st.sampled_from(ALPHABET)
digits = st.sampled_from("0123456789")
bodies = st.builds(
    lambda authority, kind, division, organisation: authority + kind + division + organisation,
    st.sampled_from(AUTHORITIES),
    alphabet_chars,
    st.text(digits, min_size=6, max_size=6),
    st.text(alphabet_chars, min_size=9, max_size=9),
)


@given(bodies)
def test_any_body_with_its_check_character_is_valid(body):
    check = uscc_check_character(body)
    assert check in ALPHABET
    assert validate_uscc(body + check) is None


@given(bodies, st.integers(min_value=0, max_value=17), st.characters(codec="utf-8"))
def test_any_single_character_substitution_of_a_valid_code_is_rejected(body, index, char):
    code = body + uscc_check_character(body)
    changed = code[:index] + char + code[index + 1 :]
    # Changing a letter to its own lower case is the same code once normalised.
    assume(normalise_uscc(changed) != code)
    with pytest.raises(ValidationError):
        validate_uscc(changed)


@given(bodies, st.integers(min_value=0, max_value=17), alphabet_chars)
def test_a_substitution_within_the_alphabet_is_caught_by_the_check_character(body, index, char):
    code = body + uscc_check_character(body)
    assume(code[index] != char)
    changed = code[:index] + char + code[index + 1 :]
    assume(changed[0] in AUTHORITIES and changed[2:8].isdigit())
    assert refusal(changed).code == "check"


@given(bodies, st.integers(min_value=0, max_value=16))
def test_swapping_two_neighbouring_different_characters_is_rejected(body, index):
    code = body + uscc_check_character(body)
    assume(code[index] != code[index + 1])
    swapped = code[:index] + code[index + 1] + code[index] + code[index + 2 :]
    with pytest.raises(ValidationError):
        validate_uscc(swapped)
