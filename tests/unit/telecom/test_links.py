"""Links in SMS text: extraction, registered domains and look-alikes of brand domains."""

from __future__ import annotations

import doctest
import importlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qorgan.core.brands import BRANDS, GENUINE_DOMAINS, TRUSTED_DOMAINS
from qorgan.telecom.links import extract_links, lookalike_of, registered_domain, skeleton


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("Подробнее: https://kaspi.kz/login.", "kaspi.kz/login"),
        ("Оплатите hxxps://kaspi[.]kz-pay.top/pay", "kaspi.kz-pay.top/pay"),
        ("Алу: kaspi (.) kz/bonus", "kaspi.kz/bonus"),
        ("go to halykbank[dot]kz now", "halykbank.kz"),
        ("Visit www.Halykbank.kz!", "www.halykbank.kz"),
        ("Сайт: bcc .kz/login", "bcc.kz/login"),
        ("(см. egov.kz)", "egov.kz"),
        ("Қараңыз: KASPI.KZ", "kaspi.kz"),
        ("http://1.2.3.4:8080/x", "1.2.3.4/x"),
    ],
)
def test_urls_bare_domains_and_obfuscated_links_are_extracted(text: str, url: str) -> None:
    assert [link.url for link in extract_links(text)] == [url]


def test_link_spans_point_at_the_raw_text() -> None:
    text = "Картаңыз бұғатталды: hxxp://ha1ykbank[.]kz/verify, тез арада"
    (link,) = extract_links(text)
    assert text[link.start : link.end] == link.raw == "hxxp://ha1ykbank[.]kz/verify"
    assert link.host == "ha1ykbank.kz"


@pytest.mark.parametrize(
    "text", ["Be there in 15 min.Call me", "Оплата 2.500 тенге", "Ок. Договорились", "v1.2.3"]
)
def test_sentences_and_numbers_are_not_links(text: str) -> None:
    assert extract_links(text) == []


@pytest.mark.parametrize(
    ("host", "registered"),
    [
        ("kaspi.kz-pay.top", "kz-pay.top"),
        ("egov.kz.portal-login.online", "portal-login.online"),
        ("kgd.gov.kz", "kgd.gov.kz"),
        ("gov.kz", "gov.kz"),
        ("shop.example.co.uk", "example.co.uk"),
        ("foo.notatld", None),
    ],
)
def test_registered_domain_follows_the_public_suffix_list(
    host: str, registered: str | None
) -> None:
    assert registered_domain(host) == registered


@pytest.mark.parametrize(
    ("host", "technique"),
    [
        ("ha1ykbank.kz", "homoglyph"),
        ("halykbank-bonus.com", "dictionary"),
        ("halyk-qaytaru.kz", "dictionary"),
        ("halykbank.kz.secure-login.top", "subdomain"),
        ("halykbank.kz-pay.top", "combo"),
        ("halykbank.online", "tld-swap"),
        ("halyk-bank.kz", "hyphenation"),
        ("hallykbank.kz", "typo"),
    ],
)
def test_lookalike_of_halykbank_is_flagged(host: str, technique: str) -> None:
    found = lookalike_of(host)
    assert found is not None
    assert (found.brand, found.technique) == ("halyk", technique)
    assert 0.0 < found.score <= 1.0


@pytest.mark.parametrize(
    "host",
    [
        "kasp.kz",  # omission
        "kasspi.kz",  # repetition
        "kaspo.kz",  # replacement
        "kapsi.kz",  # transposition
        "ka5pi.kz",  # homoglyph
        "kаspi.kz",  # Cyrillic а (IDN homograph)
        "kаspi".encode("idna").decode("ascii") + ".kz",  # the same in punycode
        "kas-pi.kz",  # hyphenation
        "kaspi24.kz",  # addition
        "kaspi-bonus.kz",  # brand plus a word
        "kaspi.top",  # TLD swap
        "kaspi.kz.login-secure.online",  # subdomain trick
        "www.kaspi.kz-pay.top",
    ],
)
def test_dnstwist_style_permutations_of_kaspi_are_flagged(host: str) -> None:
    found = lookalike_of(host)
    assert found is not None
    assert found.brand == "kaspi"


@pytest.mark.parametrize(
    "host",
    [
        "egov.kz",
        "www.egov.kz",
        "idp.egov.kz",
        "kgd.gov.kz",
        "online.halykbank.kz",
        "wildberries.ru",
        "EGOV.KZ",
    ],
)
def test_genuine_egov_link_is_not_flagged(host: str) -> None:
    assert lookalike_of(host) is None


@pytest.mark.parametrize(
    "host", ["google.com", "mail.ru", "sulpak.kz", "technodom.kz", "tinyurl.com", "2gis.kz"]
)
def test_unrelated_domains_are_not_lookalikes(host: str) -> None:
    assert lookalike_of(host) is None


def test_skeleton_folds_digits_cyrillic_and_letter_pairs() -> None:
    assert skeleton("ha1ykbank") == skeleton("halykbank")
    assert skeleton("КАЅРІ") == skeleton("kaspi")
    assert skeleton("rnail") == skeleton("mail")


@given(st.text())
def test_link_extraction_never_raises_on_any_text(text: str) -> None:
    for link in extract_links(text):
        assert 0 <= link.start < link.end <= len(text)
        assert link.registered


_LABELS = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)


@given(
    st.sampled_from(sorted(TRUSTED_DOMAINS)),
    st.lists(_LABELS, max_size=3),
    st.sampled_from(["", "/", "/login", "/?id=1"]),
    st.sampled_from(["https://", "http://", "", "www."]),
)
def test_genuine_brand_domains_are_never_flagged(
    domain: str, subdomains: list[str], path: str, scheme: str
) -> None:
    host = ".".join([*subdomains, domain])
    prefix = "" if scheme == "www." and subdomains else scheme
    links = extract_links(f"Подробнее: {prefix}{host}{path} .")
    assert [link.host.removeprefix("www.") for link in links] == [host.removeprefix("www.")]
    assert all(lookalike_of(link.host) is None for link in links)


def test_every_brand_has_a_unique_genuine_domain() -> None:
    assert len(GENUINE_DOMAINS) == len(BRANDS)


def test_docstring_examples_run() -> None:
    result = doctest.testmod(importlib.import_module("qorgan.telecom.links"))
    assert result.attempted > 0
    assert result.failed == 0
