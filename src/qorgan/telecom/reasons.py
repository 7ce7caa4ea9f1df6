"""Telecom reason codes: each stable code with its one-line meaning (the one list)."""

from __future__ import annotations

REASONS: dict[str, str] = {
    "CLI_SPOOF_INTL": "international ingress presents a Kazakh number whose owner is not roaming",
    "CLI_SPOOF_VOIP": "VoIP ingress presents a Kazakh mobile number (roaming or not)",
    "CLI_UNALLOCATED": "the presented number belongs to no allocated range of its numbering plan",
    "CLI_WITHHELD_INTL": "the caller's number is withheld on international or VoIP ingress",
    "CLI_BLOCKED": "the presented number is blocked or confirmed in the shared registry",
    "CLI_SUSPECTED": "the presented number is suspected in the shared registry",
    "SIM_FLAGGED": "the calling SIM (IMSI) or handset (IMEI) is flagged in the registry",
    "MASS_DIALLING": "the caller reached many distinct callees within the sliding window",
    "WANGIRI": "many very short unanswered rings from one caller (one-ring callback fraud)",
    "STIR_VALID": "STIR/SHAKEN PASSporT verified (attestation in the evidence)",
    "STIR_INVALID": "STIR/SHAKEN PASSporT present but failed verification",
    "SIMBOX_SHARED_IMEI": "the SIM shared a handset (GSM module) with other SIMs in the window",
    "SIMBOX_NO_CALLBACK": "almost none of the many numbers the SIM called ever called it back",
    "SIMBOX_NO_INCOMING": "the SIM places many calls and receives almost none",
    "SIMBOX_STRANGERS": "the SIM seldom calls the same number twice",
    "SIMBOX_STATIC": "the SIM calls busily from one or a few cells (it does not move)",
    "SIMBOX_NO_SMS": "the SIM neither sends nor receives SMS",
    "SIMBOX_MODEL": "the SIM-box model's calibrated probability (top features in the evidence)",
    "SMS_SENDER_SPOOF": "an alphanumeric sender id not registered for this route imitates a brand",
    "SMS_BANK_IMPERSONATION": "a numeric or foreign sender writes as a bank",
    "SMS_LOOKALIKE_LINK": "the message links to a look-alike of a Kazakh brand's domain",
    "SMS_BLOCKED_LINK": "the message links to a domain or URL blocked in the registry",
    "SMS_SHORT_LINK": "the message links through a public URL shortener (weak on its own)",
    "SMS_SENDER_BLOCKED": "the sender's number or SIM is blocked or confirmed in the registry",
    "SMS_SENDER_SUSPECTED": "the sender's number or SIM is suspected in the registry",
    "SMS_FRAUD_TEXT": "the text reads like fraud or phishing (text model)",
}


def meaning(code: str) -> str:
    """The documented meaning of a reason code (KeyError for an undocumented one)."""
    return REASONS[code]
