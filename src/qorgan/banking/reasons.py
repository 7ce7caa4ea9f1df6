"""Payment reason codes: each stable code with its one-line meaning (the one list)."""

from __future__ import annotations

REASONS: dict[str, str] = {
    "PAY_AMOUNT_UNUSUAL": "the amount is several times the payer's largest earlier transfer",
    "PAY_NEW_PAYEE": "the payer has never paid this account before",
    "PAY_NEW_BANK": "the payer's first transfer to this bank",
    "PAY_NEW_DEVICE": "initiated from a device the payer has never used",
    "PAY_NEW_IP": "initiated from an IP address the payer has never used",
    "PAY_UNUSUAL_HOUR": "at a night hour at which the payer has never paid",
    "PAY_VELOCITY": "several transfers out, or several times the usual sum, within the hour",
    "PAY_DRAIN": "the transfer takes most of the account's balance",
    "PAY_FUNDS_JUST_ARRIVED": "a large credit (a loan, say) arrived just before and is moved on",
    "PAYEE_NEW_ACCOUNT": "the payee's account was opened only days ago",
    "PAYEE_FAN_IN": "the payee received from several payers new to it within the day",
    "PAYEE_PASS_THROUGH": "the payee moved on most of what it received within the day",
    "PAYEE_MULE_PATTERN": "a person's first payment to an account that looks like a money mule "
    "(new, collecting from strangers, or passing money on)",
    "PAYEE_SUSPECTED": "the payee's account is suspected in the shared registry (a dropper)",
    "PAYEE_BLOCKED": "the payee's account is confirmed or blocked in the shared registry",
    "CALL_SCREENED": "the payer is on, or just finished, a call that call screening flagged or "
    "blocked",
    "CALL_INTERNATIONAL": "the payer is on, or just finished, a call from international or VoIP "
    "ingress from a first-time caller",
    "CALL_FIRST_TIME_CALLER": "the payer is on, or just finished, a long call from a number that "
    "never called them before",
    "CALL_ONGOING": "the payment is made while that call is still going on",
    "CALL_THEN_RISKY_PAYMENT": "such a call, and a payment risky in itself (new payee, unusual "
    "amount, new account ...): the pattern of a victim talked into paying",
}
