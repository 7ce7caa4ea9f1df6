"""The kernel every other package builds on; it imports nothing of qorgan.

Modules:
- ``errors``: the error table (``QorganError``, its kinds, ``InvalidValue`` for one value).
- ``feeds``: the feeds of ``CONTRACTS.md`` as data (columns, kinds, ids, Arrow schemas).
- ``records``: one frozen record type per feed, and the enums of its choices.
- ``msisdn``, ``iban``, ``money``, ``cards``, ``timestamps``, ``ip``: normalisation of
  phone numbers and SMS senders, IBANs and account references, amounts and currencies,
  card numbers (BIN, last four, keyed hash), timestamps (UTC) and IP addresses.
- ``values``: one column value parsed by its kind; ``columns``: a whole column at once.
- ``readers``: feed files (CSV, Parquet, JSONL) to records in batches; ``intake``: one
  file's rows to records, rejects and duplicates; ``rejects``: the rejects output and
  the counts of a read.
- ``decisions``: ``Action``, ``Signal`` and ``Decision``, what every detector returns.
- ``ports``: the registry port (``IndicatorLookup``, ``IndicatorSink``) and its in-memory
  double.
- ``brands``: Kazakh brands, their genuine domains and registered SMS sender ids.
"""
