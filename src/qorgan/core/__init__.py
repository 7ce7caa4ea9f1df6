"""The kernel every other package builds on; it imports nothing of qorgan.

Modules:
- ``errors``: the error table (``QorganError`` and its kinds).
- ``feeds``: the feeds of ``CONTRACTS.md`` as data (columns, kinds, ids, Arrow schemas).
- ``records``: one frozen record type per feed, and the enums of its choices.
- ``msisdn``, ``iban``, ``money``, ``cards``, ``timestamps``, ``ip``: normalisation of
  phone numbers and SMS senders, IBANs and account references, amounts and currencies,
  card numbers (BIN, last four, keyed hash), timestamps (UTC) and IP addresses.
- ``values``: one column value parsed by its kind.
- ``readers``, ``rejects``: feed files (CSV, Parquet, JSONL) to records in batches, bad rows
  to a rejects file with the reason.
"""
