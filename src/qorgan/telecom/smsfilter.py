"""SMS filtering: spoofed sender ids, bank impersonation, look-alike and blocked links, text.

Each rule is a small pure function of the message returning ``Signal``s with evidence;
``SmsScreener`` combines them (noisy-OR) into a ``Decision``:

- an alphanumeric sender id must be registered to its brand (:mod:`qorgan.core.brands`) and
  arrive over domestic ingress (an aggregator); a registered id from abroad, or an
  unregistered id that imitates a brand (``KASPl``, ``Halyk-Bank``), is ``SMS_SENDER_SPOOF``;
- a numeric sender, or any sender from abroad, that writes as a bank is
  ``SMS_BANK_IMPERSONATION``;
- links to look-alikes of brand domains are ``SMS_LOOKALIKE_LINK``, links in the registry
  ``SMS_BLOCKED_LINK`` (:mod:`qorgan.telecom.links`);
- a link through a public URL shortener hides where it leads: ``SMS_SHORT_LINK``, weak on
  its own (it flags only together with another signal);
- a sender number or SIM in the registry is ``SMS_SENDER_BLOCKED`` (or ``_SUSPECTED``);
- a text model (:mod:`qorgan.telecom.textmodel`), when given, adds ``SMS_FRAUD_TEXT``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rapidfuzz.distance import DamerauLevenshtein

from qorgan.core.brands import BRANDS, BY_KEY, REGISTERED_SENDERS
from qorgan.core.decisions import Decision, Signal, combine, decide
from qorgan.core.ports import IndicatorKind, IndicatorLookup, IndicatorStatus
from qorgan.core.records import Ingress, SmsRecord
from qorgan.telecom.links import SHORTENERS, extract_links, lookalike_of, skeleton
from qorgan.telecom.textmodel import TextModel, fold

HARD = frozenset(
    {"SMS_SENDER_SPOOF", "SMS_LOOKALIKE_LINK", "SMS_BLOCKED_LINK", "SMS_SENDER_BLOCKED"}
)
SHORT_LINK_SCORE = 0.3  # below every flag threshold: a shortener alone is not fraud
_SEPARATORS = re.compile(r"[\W_]+")
_DECORATION = re.compile(r"^kz|(?:bank)?(?:kz)?$")  # KZ-Kaspi, KaspiBank, Kaspi.KZ


@dataclass(frozen=True, slots=True)
class SmsConfig:
    """Thresholds of SMS filtering, with their documented defaults.

    Attributes:
        block_score: a combined score at or above this blocks the message.
        flag_score: a combined score at or above this flags it.
        hard_score: a sender-spoof or link signal this strong blocks on its own.
        text_threshold: the text model's score from which ``SMS_FRAUD_TEXT`` is raised.
        text_cap: the most a text signal weighs, so text alone flags but never blocks.
    """

    block_score: float = 0.95
    flag_score: float = 0.5
    hard_score: float = 0.9
    text_threshold: float = 0.5
    text_cap: float = 0.8


def _sender_tokens() -> dict[str, tuple[str, str]]:
    """Skeleton of each name a sender id may imitate -> (brand key, the name)."""
    tokens: dict[str, tuple[str, str]] = {}
    for brand in BRANDS:
        names = [*brand.senders, brand.label, brand.key]
        names += [a for a in brand.aliases if a.isascii() and " " not in a]
        for name in names:
            token = _SEPARATORS.sub("", skeleton(name))
            if len(token) >= 3:
                tokens.setdefault(token, (brand.key, name))
    return tokens


_SENDER_TOKENS = _sender_tokens()


def is_alphanumeric(sender: str) -> bool:
    """Whether the sender is an alphanumeric sender id (it has a letter)."""
    return any(c.isalpha() for c in sender)


def imitated_brand(sender: str) -> tuple[str, str] | None:
    """The brand an unregistered sender id imitates and the name it resembles, or ``None``.

    Folds look-alike characters (``KASPl`` → ``kaspi``, ``KAZP0ST`` → ``kazpost``), drops
    separators and a leading ``kz`` or trailing ``bank``/``kz``, then looks for an exact
    match of a brand's name, or for names of five letters or more a one-edit (two past
    seven letters) or prefix match.
    """
    core = _SEPARATORS.sub("", skeleton(sender))
    forms = {f for f in (core, _DECORATION.sub("", core)) if len(f) >= 3}
    for form in forms:
        if form in _SENDER_TOKENS:
            return _SENDER_TOKENS[form]
    for token, (key, name) in _SENDER_TOKENS.items():
        if len(token) < 5:
            continue
        limit = 1 if len(token) <= 7 else 2
        for form in forms:
            close = DamerauLevenshtein.distance(form, token, score_cutoff=limit) <= limit
            if close or form.startswith(token):
                return key, name
    return None


def sender_spoof(sms: SmsRecord) -> list[Signal]:
    """A registered id arriving from abroad, or an unregistered id that imitates a brand."""
    if not is_alphanumeric(sms.sender):
        return []
    ingress = ("ingress", sms.ingress.value)
    evidence: tuple[tuple[str, str], ...]
    owner = REGISTERED_SENDERS.get(sms.sender)
    if owner is not None:
        if sms.ingress is Ingress.DOMESTIC:
            return []
        evidence = (("sender", sms.sender), ("brand", owner), ingress, ("registered", "yes"))
        return [Signal("SMS_SENDER_SPOOF", 0.97, evidence)]
    found = imitated_brand(sms.sender)
    if found is None:
        return []
    brand, similar = found
    evidence = (
        ("sender", sms.sender),
        ("brand", brand),
        ("similar_to", similar),
        ingress,
        ("registered", "no"),
    )
    return [Signal("SMS_SENDER_SPOOF", 0.95, evidence)]


def _alternation(words: Iterable[str]) -> str:
    return "|".join(sorted({re.escape(fold(w)) for w in words}, key=lambda w: (-len(w), w)))


_BANK_NAME = re.compile(
    r"(?<!\w)(?:"
    + _alternation(a for b in BRANDS if b.category == "bank" or b.key == "nationalbank"
                   for a in b.aliases)
    + r"|\w*bank\w*|\w*" + _alternation(["банк"]) + r"\w*)"
)  # fmt: skip
_SECURITY = re.compile(
    _alternation(["служба безопасности", "службы безопасности", "қауіпсіздік қызметі",
                  "security", "sluzhba bezopasnosti", "specialist", "специалист", "маман"])
)  # fmt: skip
_BANK_VOICE = re.compile(
    r"(?<!\w)(?:"
    + _alternation([
        "заблокир", "блокиров", "разблокир", "списан", "подозрит", "оформлен кредит",
        "кредит оформлен", "подтвердите данные", "заморож", "отмен", "бұғат", "күдікті",
        "несие рәсімдел", "растаңыз", "тоқтатыл", "шешу", "blocked", "unblock", "suspicious",
        "debit", "loan", "verify", "confirm your", "frozen", "cancel", "zablokir", "spisan",
        "kredit", "podtverdite",
    ])
    + r")"
)  # fmt: skip
_HEADER = re.compile(r"^\W*([^:\n]{2,40}):")


def writes_as_bank(text: str) -> tuple[str, str] | None:
    """The bank a text speaks for and the cue that shows it, or ``None``.

    A text writes as a bank when it names one (a brand alias in kk/ru/en, or any
    ``…bank``/``…банк`` word) and either opens with that name as a header
    (``Kaspi Bank: …``), speaks of the security service, or uses a bank's warning vocabulary
    (blocked card, debit, loan in your name, confirm your details).
    """
    folded = fold(text)
    named = _BANK_NAME.search(folded)
    if named is None:
        return None
    header = _HEADER.match(folded)
    if header is not None and _BANK_NAME.search(header.group(1)):
        return named.group(0), "header"
    cue = _SECURITY.search(folded) or _BANK_VOICE.search(folded)
    return (named.group(0), cue.group(0)) if cue else None


def bank_impersonation(sms: SmsRecord) -> list[Signal]:
    """A numeric sender, or a sender from abroad, whose text writes as a bank."""
    numeric = not is_alphanumeric(sms.sender)
    if not numeric and sms.ingress is Ingress.DOMESTIC:
        return []
    found = writes_as_bank(sms.text)
    if found is None:
        return []
    bank, cue = found
    evidence = (("sender", sms.sender), ("ingress", sms.ingress.value), ("bank", bank),
                ("cue", cue))  # fmt: skip
    return [Signal("SMS_BANK_IMPERSONATION", 0.9 if cue == "header" else 0.85, evidence)]


def sender_hits(sms: SmsRecord, indicators: IndicatorLookup | None) -> list[Signal]:
    """The sender's number or SIM known to the shared registry."""
    if indicators is None:
        return []
    lookups = [(IndicatorKind.IMSI, sms.imsi)] if sms.imsi else []
    if not is_alphanumeric(sms.sender):
        lookups.insert(0, (IndicatorKind.MSISDN, sms.sender))
    return _first_hit(lookups, indicators, "SMS_SENDER_BLOCKED", "SMS_SENDER_SUSPECTED")


def link_signals(sms: SmsRecord, indicators: IndicatorLookup | None) -> list[Signal]:
    """Look-alike links of brand domains, links whose domain or URL is in the registry, and
    links through URL shorteners."""
    signals: list[Signal] = []
    for link in {link.url: link for link in extract_links(sms.text)}.values():
        if indicators is not None:
            signals += _registry_hits(link.host, link.registered, link.url, indicators)
        if link.registered in SHORTENERS:
            hidden = (("url", link.url), ("shortener", link.registered))
            signals.append(Signal("SMS_SHORT_LINK", SHORT_LINK_SCORE, hidden))
            continue
        found = lookalike_of(link.host)
        if found is not None:
            evidence = (
                ("domain", link.host),
                ("imitates", BY_KEY[found.brand].domain),
                ("brand", found.brand),
                ("technique", found.technique),
            )
            signals.append(Signal("SMS_LOOKALIKE_LINK", found.score, evidence))
    return signals


def _registry_hits(
    host: str, registered: str, url: str, indicators: IndicatorLookup
) -> list[Signal]:
    lookups = [(IndicatorKind.URL, url), (IndicatorKind.DOMAIN, host)]
    if registered != host:
        lookups.append((IndicatorKind.DOMAIN, registered))
    return _first_hit(lookups, indicators, "SMS_BLOCKED_LINK", "SMS_BLOCKED_LINK")


def _first_hit(
    lookups: list[tuple[IndicatorKind, str]], indicators: IndicatorLookup, hard: str, soft: str
) -> list[Signal]:
    """The first lookup the registry knows (and has not cleared): ``hard`` at 0.97 when it is
    blocked or confirmed, else ``soft`` at its confidence (at most 0.8)."""
    for kind, value in lookups:
        hit = indicators.lookup(kind, value)
        if hit is None or hit.status is IndicatorStatus.CLEARED:
            continue
        evidence = ((kind.value, value), ("status", hit.status.value),
                    ("sources", ",".join(hit.sources)))  # fmt: skip
        if hit.status in (IndicatorStatus.BLOCKED, IndicatorStatus.CONFIRMED):
            return [Signal(hard, 0.97, evidence)]
        return [Signal(soft, min(0.8, hit.confidence), evidence)]
    return []


def text_signal(sms: SmsRecord, model: TextModel, config: SmsConfig) -> list[Signal]:
    """``SMS_FRAUD_TEXT`` when the model's score reaches the threshold (capped)."""
    score = model.score(sms.text)
    if score < config.text_threshold:
        return []
    evidence = (("model_score", f"{score:.3f}"), ("terms", " | ".join(model.top_terms(sms.text))))
    return [Signal("SMS_FRAUD_TEXT", round(min(score, config.text_cap), 6), evidence)]


class SmsScreener:
    """Decides each SMS. Stateless and pure: safe to share between threads.

    Args:
        indicators: the registry port (sender numbers, SIMs, domains, URLs); ``None`` skips
            registry lookups.
        model: the text model; ``None`` leaves text screening out.
        config: thresholds.
    """

    def __init__(
        self,
        indicators: IndicatorLookup | None = None,
        model: TextModel | None = None,
        config: SmsConfig | None = None,
    ) -> None:
        self.indicators = indicators
        self.model = model
        self.config = config or SmsConfig()

    def screen(self, sms: SmsRecord) -> Decision:
        """The decision on one message: action, score and the signals with their evidence."""
        signals = (
            sender_spoof(sms)
            + bank_impersonation(sms)
            + sender_hits(sms, self.indicators)
            + link_signals(sms, self.indicators)
        )
        if self.model is not None:
            signals += text_signal(sms, self.model, self.config)
        score = combine(signals)
        hard = any(s.code in HARD and s.score >= self.config.hard_score for s in signals)
        action = decide(score, hard, self.config.block_score, self.config.flag_score)
        return Decision(sms.sms_id, action, score, tuple(signals))

    def screen_all(self, messages: Iterable[SmsRecord]) -> Iterator[Decision]:
        """Decisions for messages in the order given."""
        for sms in messages:
            yield self.screen(sms)
