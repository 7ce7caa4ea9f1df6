"""Card numbers reduced to BIN, last four and a keyed hash."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from qorgan.core.cards import CardToken, tokenise_card
from qorgan.core.errors import InvalidInput, InvalidValue

KEY = b"k" * 32
PAN = "4400430000001237"  # Luhn-valid, made up


def test_card_becomes_bin_last_four_and_keyed_digest() -> None:
    token = tokenise_card("4400 4300-0000 1237", KEY)
    assert token.bin == "440043"
    assert token.last4 == "1237"
    assert token.digest == hmac.new(KEY, PAN.encode(), hashlib.sha256).hexdigest()


def test_token_shows_only_the_masked_number() -> None:
    token = tokenise_card(PAN, KEY)
    assert str(token) == "440043******1237"
    assert token.ref == f"card:440043:1237:{token.digest[:16]}"


def test_full_number_is_never_kept_or_shown() -> None:
    token = tokenise_card(PAN, KEY)
    for shown in (str(token), repr(token), token.ref, *token.__slots__):
        assert PAN not in shown
    assert PAN not in repr([getattr(token, name) for name in token.__slots__])


def test_same_card_and_key_give_the_same_token_and_another_key_another() -> None:
    assert tokenise_card(PAN, KEY) == tokenise_card(f" {PAN} ", KEY)
    assert tokenise_card(PAN, KEY).digest != tokenise_card(PAN, b"x" * 32).digest


def test_card_failing_luhn_is_rejected_without_repeating_the_number() -> None:
    with pytest.raises(InvalidValue, match="Luhn") as caught:
        tokenise_card("4400430000001235", KEY)
    assert "4400430000001235" not in str(caught.value)


@pytest.mark.parametrize("pan", ["440043000001", "44004300000012345678", "4400 43AB 0000 1234", ""])
def test_card_number_must_have_13_to_19_digits(pan: str) -> None:
    with pytest.raises(InvalidValue, match="13-19 digits"):
        tokenise_card(pan, KEY)


def test_empty_key_is_refused() -> None:
    with pytest.raises(InvalidInput, match="key is empty"):
        tokenise_card(PAN, b"")


@given(st.text(alphabet="0123456789", min_size=12, max_size=18))
def test_any_luhn_valid_number_tokenises_consistently(stem: str) -> None:
    pan = stem + luhn.calc_check_digit(stem)
    token = tokenise_card(pan, KEY)
    assert token == CardToken(pan[:6], pan[-4:], token.digest)
    assert len(token.digest) == 64
