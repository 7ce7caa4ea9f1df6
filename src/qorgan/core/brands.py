"""Kazakh brands that fraudsters impersonate: banks, marketplaces, government, delivery, telecom.

One list shared by the detectors (sender-id, link and text screening) and the simulator:
each brand's genuine registrable domain, the alphanumeric SMS sender ids it has registered
with the operators' aggregators, and the names people write it by in Kazakh, Russian and
English. Nothing here is read from a file.

>>> BY_KEY["kaspi"].domain
'kaspi.kz'
>>> REGISTERED_SENDERS["Halyk"]
'halyk'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Brand:
    """A brand that fraudsters impersonate.

    Attributes:
        key: stable slug, e.g. ``kaspi``.
        name: display name as people write it, e.g. ``Kaspi``.
        domain: the genuine registrable domain, e.g. ``kaspi.kz``.
        category: ``bank``, ``marketplace``, ``government``, ``delivery`` or ``telecom``.
        senders: alphanumeric SMS sender ids registered by the brand, exactly as they appear
            in the ``sender`` column (case kept).
        aliases: lower-case names and transliterations (kk/ru/en) that name the brand in a
            text; matched as word prefixes, so ``каспи`` also finds ``Каспиге``.
        other_domains: further domains the brand genuinely holds (never flagged).
    """

    key: str
    name: str
    domain: str
    category: str
    senders: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    other_domains: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The part a typosquatter changes: ``kgd`` of ``kgd.gov.kz``, ``kaspi`` of ``kaspi.kz``."""
        return self.domain.split(".", 1)[0]

    @property
    def suffix(self) -> str:
        """What follows the label: ``gov.kz`` or ``kz``."""
        return self.domain.split(".", 1)[1]


BRANDS: tuple[Brand, ...] = (
    # Banks (kaspi.kz is also the Kaspi marketplace, "Kaspi Магазин").
    Brand("kaspi", "Kaspi", "kaspi.kz", "bank", ("KASPI.KZ",), ("kaspi", "каспи")),
    Brand("halyk", "Halyk", "halykbank.kz", "bank", ("Halyk",),
          ("halyk", "khalyk", "халык", "халық", "народный банк")),
    Brand("homebank", "Homebank", "homebank.kz", "bank", ("Homebank",), ("homebank",)),
    Brand("bcc", "BCC", "bcc.kz", "bank", ("BCC.KZ",),
          ("bcc", "bank centercredit", "centercredit", "центркредит", "бцк")),
    Brand("forte", "ForteBank", "forte.kz", "bank", ("ForteBank",), ("forte", "форте")),
    Brand("jusan", "Jusan", "jusan.kz", "bank", ("Jusan",), ("jusan", "жусан")),
    Brand("freedom", "Freedom Bank", "freedombank.kz", "bank", ("FreedomBank",),
          ("freedom bank", "freedombank", "фридом банк")),
    Brand("bereke", "Bereke Bank", "berekebank.kz", "bank", ("BerekeBank",),
          ("bereke", "береке")),
    Brand("eurasian", "Eurasian Bank", "eubank.kz", "bank", (),
          ("eurasian bank", "eubank", "евразийский банк", "еуразиялық банк")),
    Brand("homecredit", "Home Credit", "homecredit.kz", "bank", ("HomeCredit",),
          ("home credit", "homecredit", "хоум кредит")),
    Brand("otbasy", "Otbasy Bank", "otbasybank.kz", "bank", (),
          ("otbasy bank", "otbasybank", "отбасы банк")),
    Brand("nationalbank", "Национальный Банк", "nationalbank.kz", "government", (),
          ("национальный банк", "нацбанк", "ұлттық банк", "national bank")),
    # Marketplaces and classifieds.
    Brand("olx", "OLX", "olx.kz", "marketplace", (), ("olx",)),
    Brand("kolesa", "Kolesa", "kolesa.kz", "marketplace", (), ("kolesa",)),
    Brand("krisha", "Krisha", "krisha.kz", "marketplace", (), ("krisha",)),
    Brand("wildberries", "Wildberries", "wildberries.kz", "marketplace", (),
          ("wildberries", "вайлдберриз"), ("wildberries.ru",)),
    Brand("ozon", "Ozon", "ozon.kz", "marketplace", (), ("ozon", "озон"), ("ozon.ru",)),
    Brand("satu", "Satu", "satu.kz", "marketplace", (), ("satu.kz",)),
    # Government.
    Brand("egov", "eGov", "egov.kz", "government", ("egov",),
          ("egov", "электронное правительство")),
    Brand("govkz", "gov.kz", "gov.kz", "government", (), ("gov.kz",)),
    Brand("kgd", "КГД", "kgd.gov.kz", "government", (), ("кгд", "kgd")),
    Brand("police", "Полиция", "police.kz", "government", (), ("полиция", "police")),
    Brand("enpf", "ЕНПФ", "enpf.kz", "government", (), ("енпф", "бжзқ", "enpf")),
    Brand("afm", "АФМ", "afm.gov.kz", "government", (), ("афм", "afm")),
    # Delivery.
    Brand("kazpost", "Kazpost", "kazpost.kz", "delivery", ("KazPost",),
          ("kazpost", "казпочта", "қазпошта")),
    Brand("post", "Казпочта", "post.kz", "delivery", (), ("казпочта", "қазпошта")),
    Brand("cdek", "CDEK", "cdek.kz", "delivery", (), ("cdek", "сдэк"), ("cdek.ru",)),
    # Telecom operators.
    Brand("kcell", "Kcell", "kcell.kz", "telecom", ("Kcell",), ("kcell",)),
    Brand("beeline", "Beeline", "beeline.kz", "telecom", ("Beeline",), ("beeline", "билайн")),
    Brand("tele2", "Tele2", "tele2.kz", "telecom", (), ("tele2", "теле2")),
)  # fmt: skip
"""The brands, banks first; the order is stable (the simulator draws from it by index)."""

BY_KEY: dict[str, Brand] = {b.key: b for b in BRANDS}
"""Each brand by its key."""

GENUINE_DOMAINS: frozenset[str] = frozenset(b.domain for b in BRANDS)
"""Every brand's genuine domain, for membership tests."""

TRUSTED_DOMAINS: frozenset[str] = GENUINE_DOMAINS | frozenset(
    d for b in BRANDS for d in b.other_domains
)
"""The genuine domains plus the other domains the brands hold: never look-alikes."""

REGISTERED_SENDERS: dict[str, str] = {s: b.key for b in BRANDS for s in b.senders}
"""Each registered alphanumeric sender id (case kept) to the key of the brand that owns it."""
