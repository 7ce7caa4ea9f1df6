"""Features of each bank account for the dropper finder, as SQL that DuckDB and Spark both run.

A dropper (money mule) receives money from people it has never dealt with, passes nearly all
of it on within minutes or hours, often to cash (ATM) or crypto, frequently from an account
opened days before, from a handset other mules of its ring use too, and hears nothing back
from anyone it pays. Ordinary accounts look different even when busy: a merchant receives from
thousands of strangers but forwards nothing; a student supported by relatives receives small
sums from many people and spends them slowly; a salary arrives from one employer and is spent
over weeks. The query below measures each of those per account and per window from the
``transfers`` feed (and ``accounts`` when given):

- one row per (``account``, ``window_start``) for every account that sent or received money
  in the window; ``CASH`` and ``CRYPTO:<exchange>`` are counterparties, never accounts;
- "stranger": the first transfer between two accounts (in either direction) was less than
  ``STRANGER_S`` before this one, so a victim's second and third payment a few minutes apart
  still count as a stranger's, while a relative who has paid before does not;
- pass-through is measured with running sums over each account's own timeline (window frames
  ordered by epoch seconds), so a marketplace with thousands of credits costs no join: each
  outflow counts as forwarded up to what came in over the hour (day) before it, and the share
  is capped at 1 — two payments from savings after one credit can both be credited against
  it (a bound, not a ledger; the conduit test, value out within ±50 % of value in, keeps
  people spending savings out of the rules); transfers from an account to itself are left out;
- plain ANSI SQL apart from one function, the epoch of a timestamp (``EPOCH``), which the
  caller picks by engine (DuckDB ``epoch``, Spark ``unix_micros / 1e6``); the local hour is
  ``(hour(ts) + 5) % 24`` (Kazakhstan keeps UTC+5 all year).

Amounts are compared in the units the feed gives them: the platform's feeds are in tenge.
The engine's session time zone must be UTC.
"""

from __future__ import annotations

from typing import Final

WINDOWS: Final[dict[str, str]] = {
    "day": "date_trunc('day', {ts})",
    "week": "date_trunc('week', {ts})",
    "all": "timestamp '1970-01-01 00:00:00'",
}
"""Window name -> the SQL that maps a timestamp column ``{ts}`` to the start of its window."""

EPOCH: Final[dict[str, str]] = {"duckdb": "epoch({ts})", "spark": "unix_micros({ts}) / 1e6"}
"""Engine -> the SQL for the seconds since 1970 of a timestamp column ``{ts}``, as a double
that keeps the fraction of a second. Both are the same double, microseconds / 10**6: Spark's
``unix_timestamp`` would drop the fraction (and its whole seconds would make transfers in
one second peers in the running sums), and Spark's ``1e6`` is a double literal, so the
divisions by ``60.0`` and ``86400.0`` below stay double rather than Spark decimals."""

UTC_OFFSET_HOURS: Final = 5
NIGHT_HOURS: Final = (0, 6)  # local [0:00, 6:00)
STRANGER_S: Final = 86_400  # first contact between the two accounts less than a day before
FAST_S: Final = 3_600  # "forwarded fast": out within an hour of the money coming in
DAY_S: Final = 86_400
ROUND_UNIT: Final = 1_000  # an amount that is a whole number of thousands is "round"

FEATURES: Final[dict[str, str]] = {
    "in_n": "transfers received",
    "in_value": "value received",
    "payers": "distinct accounts that paid it",
    "stranger_payers": "distinct payers it had never dealt with a day before",
    "stranger_share": "share of the value received that came from such strangers",
    "cash_in_share": "share of the value received as cash deposits",
    "max_in": "largest single transfer received",
    "top_payer_share": "share of the value received that came from its largest payer",
    "out_n": "transfers sent (to accounts, ATM or crypto)",
    "out_value": "value sent",
    "payees": "distinct payees (ATM and each exchange count as one)",
    "atm_share": "share of the value sent withdrawn as cash",
    "crypto_share": "share of the value sent to buy crypto (CRYPTO:<exchange>)",
    "out_in_ratio": "value sent / value received in the window",
    "passthrough_1h": "share of the value received that was sent on within an hour of arriving",
    "passthrough_24h": "the same within a day",
    "forward_delay_min": "mean minutes from the latest inflow to each outflow (within a day)",
    "age_days": "account age in days at its first inflow from a stranger (needs accounts)",
    "round_share": f"share of its transfers in whole multiples of {ROUND_UNIT:,}",
    "night_share": "share of its transfers between 0:00 and 6:00 local time",
    "active_days": "distinct days with a transfer",
    "device_accounts": "most accounts seen paying from any one of its devices in the window",
    "ip_accounts": "most accounts seen paying from any one of its IP addresses in the window",
    "reciprocity": "share of its counterparties that money moved both ways with (whole input)",
}
"""Every numeric feature of the query, with its meaning (the model's first inputs, in order)."""


def _person(column: str) -> str:
    return f"({column} <> 'CASH' and {column} not like 'CRYPTO:%')"


def feature_sql(window: str = "week", with_accounts: bool = False, engine: str = "duckdb") -> str:
    """The query that yields one row per account and window: ``account``, ``window_start``,
    ``first_seen``, ``last_seen`` and every column of ``FEATURES``.

    The input tables are ``transfers`` (and ``accounts`` when ``with_accounts``) in the
    contract's columns (../shared/CONTRACTS.md)."""
    if window not in WINDOWS:
        raise ValueError(f"window {window!r}: expected one of {', '.join(WINDOWS)}")
    if engine not in EPOCH:
        raise ValueError(f"engine {engine!r}: expected one of {', '.join(EPOCH)}")
    w = WINDOWS[window].format(ts="ts")
    epoch = EPOCH[engine]
    lo, hi = NIGHT_HOURS
    age = (
        f"(k.first_stranger_s - {epoch.format(ts='a.opened_at')}) / {DAY_S}.0"
        if with_accounts
        else "cast(null as double)"
    )
    accounts_join = "left join accounts a on a.account = k.account" if with_accounts else ""
    return f"""
with
    t as (
        select transfer_id, ts, {epoch.format(ts="ts")} as s, {w} as window_start,
               from_account as src, to_account as dst, cast(amount as double) as amount,
               device_id, ip, (hour(ts) + {UTC_OFFSET_HOURS}) % 24 as local_hour,
               {_person("from_account")} as src_person, {_person("to_account")} as dst_person
        from transfers
        where from_account <> to_account
    ),
    pair_first as (
        select least(src, dst) as a, greatest(src, dst) as b, min(s) as first_s
        from t where src_person and dst_person group by least(src, dst), greatest(src, dst)
    ),
    inflow as (
        select t.dst as account, t.window_start, t.ts, t.s, t.src, t.src_person, t.amount,
               t.local_hour,
               case when t.src_person and t.s - p.first_s < {STRANGER_S} then 1 else 0 end
                   as stranger
        from t
        left join pair_first p on p.a = least(t.src, t.dst) and p.b = greatest(t.src, t.dst)
        where t.dst_person
    ),
    outflow as (
        select src as account, window_start, ts, s, dst, amount, local_hour, device_id, ip
        from t where src_person
    ),
    ins as (
        select account, window_start, count(*) as in_n, sum(amount) as in_value,
               count(distinct case when src_person then src end) as payers,
               count(distinct case when stranger = 1 then src end) as stranger_payers,
               sum(case when stranger = 1 then amount else 0 end) as stranger_value,
               sum(case when src = 'CASH' then amount else 0 end) as cash_in_value,
               max(amount) as max_in,
               min(case when stranger = 1 then s end) as first_stranger_s
        from inflow group by account, window_start
    ),
    top_payer as (
        select account, window_start, max(v) as top_in from (
            select account, window_start, src, sum(amount) as v from inflow
            group by account, window_start, src
        ) x group by account, window_start
    ),
    outs as (
        select account, window_start, count(*) as out_n, sum(amount) as out_value,
               count(distinct dst) as payees,
               sum(case when dst = 'CASH' then amount else 0 end) as atm_value,
               sum(case when dst like 'CRYPTO:%' then amount else 0 end) as crypto_value
        from outflow group by account, window_start
    ),
    ev as (
        select account, window_start, s, amount as inflow, 0.0 as outflow from inflow
        union all
        select account, window_start, s, 0.0 as inflow, amount as outflow from outflow
    ),
    running as (
        select account, window_start, s, outflow,
               sum(inflow) over (partition by account order by s
                                 range between {FAST_S} preceding and current row) as in_fast,
               sum(inflow) over (partition by account order by s
                                 range between {DAY_S} preceding and current row) as in_day,
               max(case when inflow > 0 then s end) over (partition by account order by s
                                 range between unbounded preceding and current row) as last_in_s
        from ev
    ),
    forwarded as (
        select account, window_start,
               sum(least(outflow, in_fast)) as fwd_fast, sum(least(outflow, in_day)) as fwd_day,
               avg(case when s - last_in_s <= {DAY_S} then (s - last_in_s) / 60.0 end)
                   as delay_min
        from running where outflow > 0 group by account, window_start
    ),
    acts as (
        select account, window_start, min(ts) as first_seen, max(ts) as last_seen,
               count(*) as n,
               sum(case when amount >= {ROUND_UNIT}
                         and floor(amount / {ROUND_UNIT}) * {ROUND_UNIT} = amount
                        then 1 else 0 end) as round_n,
               sum(case when local_hour >= {lo} and local_hour < {hi} then 1 else 0 end)
                   as night_n,
               count(distinct date_trunc('day', ts)) as active_days
        from (
            select account, window_start, ts, amount, local_hour from inflow
            union all
            select account, window_start, ts, amount, local_hour from outflow
        ) b group by account, window_start
    ),
    device_load as (
        select device_id, window_start, count(distinct src) as n from t
        where device_id is not null and src_person group by device_id, window_start
    ),
    devices as (
        select o.account, o.window_start, max(l.n) as device_accounts
        from (select distinct account, window_start, device_id from outflow
              where device_id is not null) o
        join device_load l on l.device_id = o.device_id and l.window_start = o.window_start
        group by o.account, o.window_start
    ),
    ip_load as (
        select ip, window_start, count(distinct src) as n from t
        where ip is not null and src_person group by ip, window_start
    ),
    ips as (
        select o.account, o.window_start, max(l.n) as ip_accounts
        from (select distinct account, window_start, ip from outflow where ip is not null) o
        join ip_load l on l.ip = o.ip and l.window_start = o.window_start
        group by o.account, o.window_start
    ),
    ties as (
        select account, other, max(sent) as sent, max(got) as got from (
            select src as account, dst as other, 1 as sent, 0 as got from t
            where src_person and dst_person
            union all
            select dst as account, src as other, 0 as sent, 1 as got from t
            where src_person and dst_person
        ) x group by account, other
    ),
    recip as (
        select account, count(*) as partners,
               sum(case when sent = 1 and got = 1 then 1 else 0 end) as both_ways
        from ties group by account
    ),
    k as (
        select c.account, c.window_start, c.first_seen, c.last_seen, c.n, c.round_n,
               c.night_n, c.active_days,
               coalesce(i.in_n, 0) as in_n, coalesce(i.in_value, 0.0) as in_value,
               coalesce(i.payers, 0) as payers, coalesce(i.stranger_payers, 0) as stranger_payers,
               coalesce(i.stranger_value, 0.0) as stranger_value,
               coalesce(i.cash_in_value, 0.0) as cash_in_value,
               coalesce(i.max_in, 0.0) as max_in, i.first_stranger_s,
               coalesce(tp.top_in, 0.0) as top_in,
               coalesce(o.out_n, 0) as out_n, coalesce(o.out_value, 0.0) as out_value,
               coalesce(o.payees, 0) as payees, coalesce(o.atm_value, 0.0) as atm_value,
               coalesce(o.crypto_value, 0.0) as crypto_value,
               coalesce(f.fwd_fast, 0.0) as fwd_fast, coalesce(f.fwd_day, 0.0) as fwd_day,
               f.delay_min,
               coalesce(d.device_accounts, 0) as device_accounts,
               coalesce(p.ip_accounts, 0) as ip_accounts,
               case when r.partners > 0 then cast(r.both_ways as double) / r.partners
                    else 0.0 end as reciprocity
        from acts c
        left join ins i on i.account = c.account and i.window_start = c.window_start
        left join top_payer tp on tp.account = c.account and tp.window_start = c.window_start
        left join outs o on o.account = c.account and o.window_start = c.window_start
        left join forwarded f on f.account = c.account and f.window_start = c.window_start
        left join devices d on d.account = c.account and d.window_start = c.window_start
        left join ips p on p.account = c.account and p.window_start = c.window_start
        left join recip r on r.account = c.account
    )
select k.account, k.window_start, k.first_seen, k.last_seen,
       k.in_n, k.in_value, k.payers, k.stranger_payers,
       case when k.in_value > 0 then k.stranger_value / k.in_value else 0.0 end
           as stranger_share,
       case when k.in_value > 0 then k.cash_in_value / k.in_value else 0.0 end
           as cash_in_share,
       k.max_in,
       case when k.in_value > 0 then k.top_in / k.in_value else 0.0 end as top_payer_share,
       k.out_n, k.out_value, k.payees,
       case when k.out_value > 0 then k.atm_value / k.out_value else 0.0 end as atm_share,
       case when k.out_value > 0 then k.crypto_value / k.out_value else 0.0 end as crypto_share,
       case when k.in_value > 0 then k.out_value / k.in_value else cast(null as double) end
           as out_in_ratio,
       case when k.in_value > 0 then least(1.0, k.fwd_fast / k.in_value) else 0.0 end
           as passthrough_1h,
       case when k.in_value > 0 then least(1.0, k.fwd_day / k.in_value) else 0.0 end
           as passthrough_24h,
       k.delay_min as forward_delay_min,
       {age} as age_days,
       cast(k.round_n as double) / k.n as round_share,
       cast(k.night_n as double) / k.n as night_share,
       k.active_days, k.device_accounts, k.ip_accounts, k.reciprocity
from k {accounts_join}
order by k.account, k.window_start
"""


def edges_sql(engine: str = "duckdb") -> str:
    """Transfers between two accounts, summed per (payer, payee) with their time span:
    ``src, dst, n, value, first_s, last_s`` — the edges of the transfer graph."""
    if engine not in EPOCH:
        raise ValueError(f"engine {engine!r}: expected one of {', '.join(EPOCH)}")
    s = EPOCH[engine].format(ts="ts")
    return f"""
select from_account as src, to_account as dst, count(*) as n,
       sum(cast(amount as double)) as value, min({s}) as first_s, max({s}) as last_s
from transfers
where {_person("from_account")} and {_person("to_account")} and from_account <> to_account
group by from_account, to_account
"""
