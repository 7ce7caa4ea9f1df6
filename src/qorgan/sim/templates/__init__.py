"""The wording of simulated texts: post bodies, contact lines, SMS bodies and their vocabulary.

``BODIES[label][lang]`` are the post bodies per label and language (``kk``, ``ru``, ``en``);
``vocab.TAILS[kind][lang]`` the contact lines that carry a requisite; ``sms.SMS[kind][lang]``
the SMS bodies. Templates use ``str.format`` placeholders filled by ``qorgan.sim.texts``.
"""

from __future__ import annotations

from qorgan.sim.templates.benign import BENIGN
from qorgan.sim.templates.fraud import FAKE_INVESTMENT, FAKE_SHOP
from qorgan.sim.templates.lures import DRUG_SHOP, PHISHING

LABELS = ("benign", "fake_shop", "fake_investment", "phishing", "drug_shop")
LANGS = ("kk", "ru", "en")

BODIES: dict[str, dict[str, tuple[str, ...]]] = {
    "benign": BENIGN,
    "fake_shop": FAKE_SHOP,
    "fake_investment": FAKE_INVESTMENT,
    "phishing": PHISHING,
    "drug_shop": DRUG_SHOP,
}
