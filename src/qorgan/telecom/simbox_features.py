"""Features of each SIM card for the SIM-box finder, as SQL that DuckDB and Spark both run.

A SIM-box SIM places many short-to-medium calls to strangers from one place, receives
almost none, never hears back from the people it called, shares a GSM module (IMEI) with
dozens of other SIMs, sends no SMS and works at hours people sleep. The query below measures
each of those per SIM (IMSI) and per window, from the ``calls`` feed (and ``sms`` when given):

- one row per (``imsi``, ``window_start``): the window is an hour, a day, a week, or the whole
  input (``WINDOWS``), tumbling and aligned to UTC;
- every aggregate is plain ANSI SQL that DuckDB and Spark SQL evaluate identically (no
  engine-specific date arithmetic: the local hour is ``(hour(ts) + 5) % 24``, Kazakhstan has
  kept UTC+5 all year since 2024), so an operator with billions of CDRs runs the same text on
  a cluster (docs/simbox-finder.md);
- derived ratios are computed in the same query; nothing is looped over in Python.

The input tables are named ``calls`` and ``sms`` and carry the contract columns
(../shared/CONTRACTS.md); the engine's session time zone must be UTC.
"""

from __future__ import annotations

from typing import Final

WINDOWS: Final[dict[str, str]] = {
    "hour": "date_trunc('hour', {ts})",
    "day": "date_trunc('day', {ts})",
    "week": "date_trunc('week', {ts})",
    "all": "timestamp '1970-01-01 00:00:00'",
}
"""Window name -> the SQL that maps a timestamp column ``{ts}`` to the start of its window."""

UTC_OFFSET_HOURS: Final = 5
NIGHT_HOURS: Final = (0, 6)  # local [0:00, 6:00)
SHORT_CALL_S: Final = 10  # an answered call shorter than this is "short"

FEATURES: Final[dict[str, str]] = {
    "out_calls": "call attempts the SIM placed",
    "out_answered_share": "share of those answered",
    "distinct_callees": "distinct numbers it called",
    "callee_concentration": "share of its calls that went to its most-called number",
    "repeat_callee_share": "1 - distinct callees / calls: how often it calls a number again",
    "reciprocity": "share of its callees who called it back within the window",
    "in_calls": "calls it received",
    "distinct_in_callers": "distinct numbers that called it",
    "in_out_ratio": "received / placed calls",
    "duration_mean": "mean talk time of its answered calls, seconds",
    "duration_cv": "coefficient of variation of that talk time (spread / mean)",
    "short_share": f"share of answered calls shorter than {SHORT_CALL_S} s",
    "night_share": "share of its calls placed between 0:00 and 6:00 local time",
    "active_hours": "distinct clock hours with at least one call",
    "busiest_hour_calls": "calls in its busiest clock hour",
    "calls_per_active_hour": "calls / active hours (busyness)",
    "active_days": "distinct days with at least one call",
    "distinct_cells": "distinct cells it called from",
    "top_cell_share": "share of its calls from its most-used cell",
    "distinct_imeis": "distinct handsets (IMEIs) it was seen in",
    "imsis_per_imei": "most SIMs (IMSIs) seen in any one of its handsets in the window",
    "sms_out": "SMS it sent (0 without an SMS feed)",
    "sms_in": "SMS it received (0 without an SMS feed)",
}
"""Every numeric feature, with its meaning (the model's inputs, in this order)."""


def feature_sql(window: str = "day", with_sms: bool = False, subset: bool = False) -> str:
    """The query that yields one row per SIM and window: ``imsi``, ``window_start``,
    ``msisdn``, ``first_seen``, ``last_seen`` and every column of ``FEATURES``.

    ``subset``: only the SIMs listed in a table ``subset(imsi)`` (the incremental mode
    recomputes the SIMs a new batch touched; their handsets' other SIMs still count)."""
    if window not in WINDOWS:
        raise ValueError(f"window {window!r}: expected one of {', '.join(WINDOWS)}")
    w = WINDOWS[window].format(ts="ts")
    wc = WINDOWS[window].format(ts="c.ts")
    lo, hi = NIGHT_HOURS
    sms = (
        f"""
    sms_out as (
        select imsi, {w} as window_start, count(*) as n
        from sms where imsi is not null group by imsi, {w}
    ),
    sms_in as (
        select recipient as msisdn, {w} as window_start, count(*) as n
        from sms group by recipient, {w}
    ),"""
        if with_sms
        else ""
    )
    sms_cols = (
        "coalesce(so.n, 0) as sms_out, coalesce(si.n, 0) as sms_in"
        if with_sms
        else "0 as sms_out, 0 as sms_in"
    )
    sms_joins = (
        """
    left join sms_out so on so.imsi = s.imsi and so.window_start = s.window_start
    left join sms_in si on si.msisdn = s.msisdn and si.window_start = s.window_start"""
        if with_sms
        else ""
    )
    return f"""
with
    o as (
        select imsi, {w} as window_start, caller, callee, imei, cell_id, ts, answered,
               duration_s, date_trunc('hour', ts) as clock_hour,
               (hour(ts) + {UTC_OFFSET_HOURS}) % 24 as local_hour
        from calls
        where ingress = 'radio' and imsi is not null
    ),
    mine as (
        select * from o{" where imsi in (select imsi from subset)" if subset else ""}
    ),
    sims as (
        select imsi, window_start, min(caller) as msisdn, min(ts) as first_seen,
               max(ts) as last_seen, count(*) as out_calls,
               sum(case when answered then 1 else 0 end) as answered_calls,
               avg(case when answered then duration_s end) as duration_mean,
               stddev_samp(case when answered then duration_s end) as duration_sd,
               sum(case when answered and duration_s < {SHORT_CALL_S} then 1 else 0 end)
                   as short_calls,
               sum(case when local_hour >= {lo} and local_hour < {hi} then 1 else 0 end)
                   as night_calls
        from mine group by imsi, window_start
    ),
    per_callee as (
        select imsi, window_start, callee, count(*) as n from mine
        group by imsi, window_start, callee
    ),
    callees as (
        select imsi, window_start, count(*) as distinct_callees, max(n) as top_callee_calls
        from per_callee group by imsi, window_start
    ),
    per_hour as (
        select imsi, window_start, max(n) as busiest_hour_calls, count(*) as active_hours,
               count(distinct date_trunc('day', clock_hour)) as active_days
        from (
            select imsi, window_start, clock_hour, count(*) as n from mine
            group by imsi, window_start, clock_hour
        ) h group by imsi, window_start
    ),
    cells as (
        select imsi, window_start, count(*) as distinct_cells, max(n) as top_cell_calls
        from (
            select imsi, window_start, cell_id, count(*) as n from mine
            where cell_id is not null group by imsi, window_start, cell_id
        ) c group by imsi, window_start
    ),
    imei_load as (
        select imei, window_start, count(*) as imsis from (
            select distinct imsi, window_start, imei from o where imei is not null{
        " and imei in (select imei from mine)" if subset else ""
    }
        ) u group by imei, window_start
    ),
    handsets as (
        select p.imsi, p.window_start, max(l.imsis) as imsis_per_imei,
               count(*) as distinct_imeis
        from (select distinct imsi, window_start, imei from mine where imei is not null) p
        join imei_load l on l.imei = p.imei and l.window_start = p.window_start
        group by p.imsi, p.window_start
    ),
    own as (select distinct caller as msisdn from mine),
    inbound as (
        select c.callee as msisdn, {wc} as window_start, c.caller
        from calls c join own on own.msisdn = c.callee
    ),
    incoming as (
        select msisdn, window_start, count(*) as in_calls,
               count(distinct caller) as distinct_in_callers
        from inbound group by msisdn, window_start
    ),
    called_back as (
        select pc.imsi, pc.window_start, count(*) as reciprocated
        from per_callee pc
        join sims s on s.imsi = pc.imsi and s.window_start = pc.window_start
        join (select distinct msisdn, window_start, caller from inbound) b
          on b.msisdn = s.msisdn and b.caller = pc.callee and b.window_start = pc.window_start
        group by pc.imsi, pc.window_start
    ),{sms}
    joined as (
        select s.imsi, s.window_start, s.msisdn, s.first_seen, s.last_seen, s.out_calls,
               s.answered_calls, s.duration_mean, s.duration_sd, s.short_calls,
               s.night_calls, ph.active_hours, ph.active_days,
               coalesce(hs.distinct_imeis, 0) as distinct_imeis,
               ce.distinct_callees, ce.top_callee_calls, ph.busiest_hour_calls,
               coalesce(cl.distinct_cells, 0) as distinct_cells,
               coalesce(cl.top_cell_calls, 0) as top_cell_calls,
               coalesce(hs.imsis_per_imei, 0) as imsis_per_imei,
               coalesce(i.in_calls, 0) as in_calls,
               coalesce(i.distinct_in_callers, 0) as distinct_in_callers,
               coalesce(cb.reciprocated, 0) as reciprocated,
               {sms_cols}
        from sims s
        join callees ce on ce.imsi = s.imsi and ce.window_start = s.window_start
        join per_hour ph on ph.imsi = s.imsi and ph.window_start = s.window_start
        left join cells cl on cl.imsi = s.imsi and cl.window_start = s.window_start
        left join handsets hs on hs.imsi = s.imsi and hs.window_start = s.window_start
        left join incoming i on i.msisdn = s.msisdn and i.window_start = s.window_start
        left join called_back cb on cb.imsi = s.imsi and cb.window_start = s.window_start{sms_joins}
    )
select imsi, window_start, msisdn, first_seen, last_seen,
       out_calls,
       cast(answered_calls as double) / out_calls as out_answered_share,
       distinct_callees,
       cast(top_callee_calls as double) / out_calls as callee_concentration,
       1.0 - cast(distinct_callees as double) / out_calls as repeat_callee_share,
       cast(reciprocated as double) / distinct_callees as reciprocity,
       in_calls,
       distinct_in_callers,
       cast(in_calls as double) / out_calls as in_out_ratio,
       coalesce(duration_mean, 0.0) as duration_mean,
       case when duration_mean > 0 then coalesce(duration_sd, 0.0) / duration_mean
            else 0.0 end as duration_cv,
       case when answered_calls > 0 then cast(short_calls as double) / answered_calls
            else 0.0 end as short_share,
       cast(night_calls as double) / out_calls as night_share,
       active_hours,
       busiest_hour_calls,
       cast(out_calls as double) / active_hours as calls_per_active_hour,
       active_days,
       distinct_cells,
       case when distinct_cells > 0 then cast(top_cell_calls as double) / out_calls
            else 0.0 end as top_cell_share,
       distinct_imeis,
       imsis_per_imei,
       sms_out,
       sms_in
from joined
order by imsi, window_start
"""


CO_HOURS: Final = 3
"""Clock hours two SIMs must both call from the same cell before they count as one box."""


def links_sql(co_hours: int = CO_HOURS) -> str:
    """Pairs ``a, b, how`` of SIMs listed in a table ``flagged(imsi)`` that sat in one handset
    (``how = 'imei'``) or called from one cell in ``co_hours`` or more of the same clock hours
    (``how = 'cell'``): the edges that group flagged SIMs into boxes."""
    return f"""
with
    f as (
        select imsi, imei, cell_id, date_trunc('hour', ts) as clock_hour from calls
        where ingress = 'radio' and imsi in (select imsi from flagged)
    ),
    handsets as (select distinct imsi, imei from f where imei is not null),
    places as (select distinct imsi, cell_id, clock_hour from f where cell_id is not null)
select x.imsi as a, y.imsi as b, 'imei' as how
from handsets x join handsets y on x.imei = y.imei and x.imsi < y.imsi
group by x.imsi, y.imsi
union all
select x.imsi as a, y.imsi as b, 'cell' as how
from places x
join places y on x.cell_id = y.cell_id and x.clock_hour = y.clock_hour and x.imsi < y.imsi
group by x.imsi, y.imsi
having count(*) >= {co_hours}
"""
