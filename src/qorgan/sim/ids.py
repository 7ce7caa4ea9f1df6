"""Identifiers of the synthetic country: numbers, IMSIs, IMEIs, IBANs, cells.

Everything here is a pure function of an integer index (and the world's seed where it
matters), vectorised with NumPy, so a 20M-subscriber world needs no lookup tables: the
n-th subscriber's number is computed, not stored. Numbers are unique by construction
(affine bijections modulo the size of each numbering block).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

I64 = NDArray[np.int64]
U64 = NDArray[np.uint64]


@dataclass(frozen=True, slots=True)
class Operator:
    """A Kazakh mobile operator with its real number prefixes and mobile network code."""

    slug: str
    name: str
    prefixes: tuple[int, ...]
    mnc: str
    share: float


OPERATORS: tuple[Operator, ...] = (
    Operator("kcell", "Kcell", (701, 702, 775, 778), "02", 0.36),
    Operator("beeline", "Beeline Kazakhstan", (705, 771, 776, 777), "01", 0.33),
    Operator("tele2", "Tele2/Altel", (700, 707, 708, 747), "77", 0.31),
)
KZ_MCC = "401"
_BLOCK = 10_000_000  # subscriber numbers per 3-digit prefix


def splitmix64(x: U64) -> U64:
    """A fast, well-mixed 64-bit hash (SplitMix64 finaliser), elementwise."""
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def hash_unit(x: NDArray[np.integer], salt: int) -> NDArray[np.float64]:
    """A deterministic uniform [0, 1) value per element of ``x`` (per salt)."""
    h = splitmix64(x.astype(np.uint64) ^ splitmix64(np.full(1, salt, dtype=np.uint64)))
    return (h >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def _affine(index: I64, size: int, salt: int) -> I64:
    """A bijection of ``[0, size)`` (multiplier coprime with 2 and 5 for powers of ten)."""
    mult = 7_368_787 + 10 * (salt % 1000)  # ends in 7: coprime with 10**k
    return (index * mult + 1_234_567 * (salt + 1)) % size


def msisdn_digits(op: Operator, local_index: I64, salt: int) -> I64:
    """E.164 digits (without '+') of the ``local_index``-th subscriber of ``op``."""
    prefix = np.asarray(op.prefixes, dtype=np.int64)[local_index % len(op.prefixes)]
    within = _affine(local_index // len(op.prefixes), _BLOCK, salt)
    return 7 * 10**10 + prefix * _BLOCK + within


def imsi_digits(op: Operator, local_index: I64, salt: int) -> I64:
    """IMSI digits: MCC 401, the operator's MNC and a 10-digit MSIN."""
    head = int(KZ_MCC + op.mnc) * 10**10
    return head + _affine(local_index, 10**10, salt)


_TACS = np.array(
    [
        35_300_011,
        35_420_110,
        35_734_209,
        86_014_205,
        86_691_904,
        35_612_511,
        86_887_003,
        35_209_108,
    ],
    dtype=np.int64,
)


def luhn_check_digit(body: I64) -> I64:
    """The Luhn check digit for each number in ``body`` (vectorised)."""
    total = np.zeros_like(body)
    rest = body.copy()
    position = 0
    while bool((rest > 0).any()):
        digit = rest % 10
        if position % 2 == 0:  # doubled: the rightmost digit of the body, then every second
            digit = digit * 2
            digit = np.where(digit > 9, digit - 9, digit)
        total += digit
        rest //= 10
        position += 1
    return (10 - total % 10) % 10


def imei_digits(index: I64, salt: int) -> I64:
    """15-digit IMEIs: a type allocation code, a 6-digit serial and the Luhn digit.

    Distinct indices give distinct IMEIs (no two handsets share one by accident): the index
    picks one of the base TACs, then a serial block of a million, whose number shifts the
    TAC, then the serial within the block.
    """
    rest = index // len(_TACS)
    block = rest // 10**6
    tac = _TACS[index % len(_TACS)] + block
    body = tac * 10**6 + _affine(rest % 10**6, 10**6, salt)
    return body * 10 + luhn_check_digit(body)


def kz_iban(bank_code: str, account_number: int) -> str:
    """A valid KZ IBAN (ISO 13616 mod-97 check digits) for a 3-digit bank code."""
    bban = f"{bank_code}{account_number:013d}"
    numeric = int(bban + "2035" + "00")  # the BBAN, then K=20, Z=35 and "00"
    check = 98 - numeric % 97
    return f"KZ{check:02d}{bban}"


def fixed_line_digits(area_code: I64, index: I64) -> I64:
    """Kazakh fixed-line numbers: +7, a 3- or 4-digit area code, then the local number."""
    wide = area_code >= 1000  # 4-digit codes leave 6 local digits, 3-digit codes leave 7
    local_size = np.where(wide, 10**6, 10**7)
    local = 2 * local_size // 10 + index % (local_size * 7 // 10)
    return np.asarray(7 * 10**10 + area_code * local_size + local, dtype=np.int64)


# (country calling code, national prefixes, digits after the prefix) of the neighbours and
# destinations whose people call Kazakhstan most. Russian mobiles share +7 with Kazakhstan.
FOREIGN_PLANS: tuple[tuple[int, tuple[int, ...], int], ...] = (
    (7, (903, 905, 909, 915, 916, 917, 925, 926, 985), 7),  # Russia
    (998, (90, 91, 93, 94, 97, 99), 7),  # Uzbekistan
    (996, (555, 700, 770), 6),  # Kyrgyzstan
    (90, (532, 533, 542, 505), 7),  # Turkey
    (86, (138, 139, 186), 8),  # China
)
FOREIGN_WEIGHTS = (0.5, 0.2, 0.1, 0.1, 0.1)


def foreign_digits(plan: I64, key: I64) -> I64:
    """A foreign mobile number per ``plan`` index (into FOREIGN_PLANS) and hash ``key``."""
    out = np.zeros(len(key), dtype=np.int64)
    h = splitmix64(key.astype(np.uint64)).astype(np.int64) & np.int64(0x7FFFFFFFFFFF)
    for p, (cc, prefixes, width) in enumerate(FOREIGN_PLANS):
        mask = plan == p
        pre = np.asarray(prefixes, dtype=np.int64)[h[mask] % len(prefixes)]
        nsn = pre * 10**width + (h[mask] // 7) % 10**width
        out[mask] = cc * 10 ** (len(str(prefixes[0])) + width) + nsn
    return out
