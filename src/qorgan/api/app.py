"""The real-time HTTP API: payments scored before confirmation, calls screened at set-up.

``create_app(settings)`` builds the FastAPI application; run it with uvicorn::

    uvicorn --factory qorgan.api.app:create_app --port 8000

(settings from ``QORGAN_*`` environment variables, see :class:`ApiSettings`), or
``qorgan serve``. The OpenAPI document at ``/openapi.json`` is the contract.

One process holds one :class:`~qorgan.engine.payments.PaymentFlow`: the calls posted to
``/v1/calls/screen`` are screened and written to the telecom context, and
``/v1/payments/score`` reads it — the same state, so a payment made during a call flagged a
moment ago is held. Handlers are ``async`` and never await while deciding: decisions run one
at a time on the event loop, so the keyed state needs no locks. Every decision is written to
the decision log before the answer is sent.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, cast

from fastapi import Body, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.routing import Route

from qorgan import __version__, web
from qorgan.api import cases_routes, docs, registry_routes
from qorgan.banking.iso20022 import parse_payments
from qorgan.banking.payments import PaymentScorer
from qorgan.banking.reasons import REASONS as PAYMENT_REASONS
from qorgan.core.decisions import Decision
from qorgan.core.errors import InvalidFields, InvalidInput, InvalidValue
from qorgan.core.feeds import CALLS, TRANSFERS
from qorgan.core.intake import record_from
from qorgan.core.money import parse_money
from qorgan.core.msisdn import normalise_presented
from qorgan.core.ports import InMemoryCallContext
from qorgan.core.readers import read_all
from qorgan.core.records import (
    AccountKind,
    AccountRecord,
    CallRecord,
    ReportRecord,
    RoamingRecord,
    TransferRecord,
)
from qorgan.core.rejects import RejectSink
from qorgan.engine.payments import PaymentFlow
from qorgan.store.decisionlog import DecisionLog
from qorgan.store.history import index_transfers, report_tracer
from qorgan.store.simboxes import connect
from qorgan.store.sql.db import DEFAULT_URL, Database
from qorgan.telecom.reasons import REASONS as TELECOM_REASONS
from qorgan.telecom.roaming import RoamingIndex
from qorgan.telecom.screening import CallScreener
from qorgan.tracing.result import Trace

MEANINGS = {**TELECOM_REASONS, **PAYMENT_REASONS}


class ApiSettings(BaseSettings):
    """What the API loads at start (environment: ``QORGAN_ACCOUNTS`` ...).

    Attributes:
        accounts: accounts feed: holders' phones, opening dates, kinds.
        roaming: roaming feed, for screening calls.
        decision_log: where every decision is appended (JSON lines); ``None``: not kept.
        telecom_context: whether payment scoring reads the telecom context.
        message_utc_offset_h: the UTC offset of ISO 20022 times written without one (a
            Kazakh bank's local time, UTC+5, by default).
        max_ahead_s: how far past the server's clock a payment's or call's time may be (clock
            skew); later ones are refused, as keyed state is kept in time order.
        transfers: transfers feed: the history each report filed at ``/v1/reports`` is
            traced through (FIFO), so that its case has a trace to issue orders from.
        database_url: the relational store of the registry, agencies and the audit log
            (``sqlite:///qorgan.db``, ``postgresql+psycopg://...``); opened and migrated on
            first use.
    """

    model_config = SettingsConfigDict(env_prefix="QORGAN_")

    accounts: Path | None = None
    roaming: Path | None = None
    decision_log: Path | None = Path("qorgan-decisions.jsonl")
    telecom_context: bool = True
    message_utc_offset_h: float = 5.0
    max_ahead_s: float = 300.0
    transfers: Path | None = None
    database_url: str = DEFAULT_URL


class Payment(BaseModel):
    """A transfer about to be confirmed: the columns of the transfers feed (CONTRACTS.md)."""

    model_config = ConfigDict(extra="forbid")

    transfer_id: str = Field(min_length=1)
    ts: str | int = Field(description="ISO 8601 with offset, or epoch milliseconds")
    from_account: str = Field(description="IBAN")
    to_account: str = Field(description="IBAN, CASH or CRYPTO:<exchange>")
    amount: str | float | int = Field(description="major units; a string keeps every digit")
    currency: str = "KZT"
    channel: Literal["app", "web", "card", "atm", "branch", "p2p_crypto"]
    device_id: str | None = None
    ip: str | None = None
    payer_balance: str | float | int | None = Field(
        default=None, description="the payer's balance before the transfer, where the bank knows it"
    )


class Call(BaseModel):
    """A call at set-up: the columns of the calls feed (CONTRACTS.md)."""

    model_config = ConfigDict(extra="forbid")

    call_id: str = Field(min_length=1)
    ts: str | int
    caller: str | None = None
    callee: str
    ingress: Literal["radio", "domestic", "international", "voip"]
    imsi: str | None = None
    imei: str | None = None
    cell_id: str | None = None
    answered: bool = False
    duration_s: int = Field(default=0, ge=0)


PAYMENT_SCHEMA = Payment.model_json_schema()


class CallEnd(BaseModel):
    """The end of a call posted earlier to ``/v1/calls/screen``."""

    model_config = ConfigDict(extra="forbid")

    callee: str
    answered: bool
    duration_s: int = Field(ge=0, le=86_400)


class SignalOut(BaseModel):
    code: str
    score: float
    meaning: str
    evidence: dict[str, str]


class DecisionOut(BaseModel):
    """A decision: the action, its score in [0, 1], and every reason with its evidence."""

    id: str
    action: Literal["allow", "review", "hold", "flag", "block"]
    score: float
    reasons: list[str]
    signals: list[SignalOut]


class Rejected(BaseModel):
    index: int
    end_to_end_id: str | None
    path: str
    reason: str


class IsoDecisions(BaseModel):
    """The decisions on an ISO 20022 message's transactions, and those it could not score."""

    message_id: str
    message_type: str
    decisions: list[DecisionOut]
    rejected: list[Rejected]


class Problem(BaseModel):
    detail: str | list[dict[str, Any]]


def _decision_json(decision: Decision) -> dict[str, Any]:
    """A decision as ``DecisionOut``'s JSON."""
    return {
        "id": decision.subject,
        "action": decision.action.value,
        "score": decision.score,
        "reasons": list(decision.reasons),
        "signals": [
            {
                "code": s.code,
                "score": s.score,
                "meaning": MEANINGS.get(s.code, ""),
                "evidence": dict(s.evidence),
            }
            for s in sorted(decision.signals, key=lambda s: -s.score)
        ],
    }


def _out(decision: Decision) -> DecisionOut:
    return DecisionOut.model_validate(_decision_json(decision))


def _json_object(body: bytes, source: str) -> dict[str, Any]:
    """The request body as a JSON object, or a 4xx naming what is wrong with it."""
    try:
        values = json.loads(body, parse_float=Decimal)
        json.dumps(values, ensure_ascii=False, default=str).encode("utf-8")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidInput(f"{source}: the body is not JSON: {error}") from None
    except UnicodeEncodeError:
        raise InvalidInput(
            f"{source}: the body holds a lone surrogate (not Unicode text)"
        ) from None
    except RecursionError:
        raise InvalidInput(f"{source}: the body nests too deeply") from None
    except ValueError as error:  # e.g. an integer of more digits than Python will convert
        raise InvalidInput(f"{source}: the body is not usable JSON: {error}") from None
    if not isinstance(values, dict):
        kind = type(values).__name__
        raise InvalidFields(source, [("body", f"expected a JSON object, got {kind}")])
    return values


def _flow(settings: ApiSettings) -> PaymentFlow:
    accounts: dict[str, AccountRecord] = {}
    if settings.accounts is not None:
        records, _ = read_all(settings.accounts, "accounts")
        accounts = {r.account: r for r in records if isinstance(r, AccountRecord)}
    roaming = RoamingIndex()
    if settings.roaming is not None:
        records, _ = read_all(settings.roaming, "roaming")
        roaming = RoamingIndex([r for r in records if isinstance(r, RoamingRecord)])
    context = InMemoryCallContext()
    scorer = PaymentScorer(accounts=accounts, context=context if settings.telecom_context else None)
    return PaymentFlow(scorer, CallScreener(roaming=roaming), context)


def _tracer(settings: ApiSettings) -> Callable[[ReportRecord], Trace] | None:
    if settings.transfers is None:
        return None
    banks: dict[str, str] = {}
    business: list[str] = []
    if settings.accounts is not None:
        records, _ = read_all(settings.accounts, "accounts")
        for r in records:
            if isinstance(r, AccountRecord):
                banks[r.account] = r.bank
                if r.kind is AccountKind.BUSINESS:
                    business.append(r.account)
    with RejectSink(None) as sink:
        index = index_transfers(connect(), settings.transfers, sink, business)
    stats = sink.summary()
    if stats.rejected:
        first = sink.lines[0]
        logging.getLogger("qorgan.api").warning(
            "%s: %d transfer rows rejected, not traced through (first: %s)",
            settings.transfers, stats.rejected, first,
        )  # fmt: skip
    return report_tracer(index, banks)


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "the body is not a message that can be read"},
    422: {"model": Problem, "description": "fields missing or invalid, each named"},
}


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    """The API over one payment flow and one decision log."""
    settings = settings or ApiSettings()
    flow = _flow(settings)
    log = DecisionLog(settings.decision_log)
    local_tz = timezone(timedelta(hours=settings.message_utc_offset_h))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        log.close()
        app.state.database.dispose()

    app = FastAPI(
        lifespan=lifespan,
        docs_url=None,  # served by qorgan.api.docs from the installed Swagger UI, no CDN
        redoc_url=None,
        title="Qorgan real-time API",
        version=__version__,
        description="Payments scored before confirmation with the telephone context; calls "
        "screened at set-up. Every decision carries its reasons and evidence.",
    )
    app.state.flow = flow
    app.state.log = log
    app.state.database = Database(settings.database_url)  # connects on first use
    app.state.tracer = _tracer(settings)
    registry_routes.mount(app)
    cases_routes.mount(app)
    web.mount(app)
    docs.mount(app)

    @app.exception_handler(InvalidFields)
    async def invalid_fields(_: Request, error: InvalidFields) -> JSONResponse:
        detail = [{"field": name, "reason": reason} for name, reason in error.problems]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(InvalidInput)
    async def invalid_input(_: Request, error: InvalidInput) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=400)

    @app.get("/v1/health")
    async def health() -> dict[str, object]:
        """Liveness, and how much the process has decided."""
        return {
            "status": "ok",
            "calls_seen": flow.calls_seen,
            "transfers_seen": flow.transfers_seen,
            "decisions_logged": log.written,
        }

    @app.post(
        "/v1/payments/score",
        responses=ERRORS,
        response_model=DecisionOut,
        openapi_extra={"requestBody": {
            "required": True, "content": {"application/json": {"schema": PAYMENT_SCHEMA}},
        }},
    )  # fmt: skip
    async def score_payment(request: Request) -> Response:
        """Decide a transfer before the customer confirms it: ``allow``, ``review`` (let
        through, queued for an analyst) or ``hold`` (stopped until the customer is
        re-contacted through a trusted channel).

        The body is the ``Payment`` schema, checked by the same normalisers as the feeds
        (one pass, no second model in front of them: this is the hot path)."""
        values = _json_object(await _body(request), "payment")
        balance = _balance(values.pop("payer_balance", None))
        transfer = cast(TransferRecord, record_from(TRANSFERS, values, "payment"))
        _not_ahead(transfer.ts, settings.max_ahead_s, "payment")
        decision = flow.on_transfer(transfer, balance)
        log.write("payment", decision)
        return Response(json.dumps(_decision_json(decision)), media_type="application/json")

    @app.post(
        "/v1/payments/score/iso20022",
        responses=ERRORS,
        openapi_extra={"requestBody": {
            "content": {"application/xml": {"schema": {"type": "string"}}}, "required": True,
        }},
    )  # fmt: skip
    async def score_iso20022(request: Request) -> IsoDecisions:
        """Decide every credit transfer of an ISO 20022 ``pain.001`` or ``pacs.008`` message;
        transactions lacking what scoring needs are listed in ``rejected`` with the element
        and the reason (422 when none could be scored)."""
        body = await _body(request)
        result = parse_payments(body, source="request body", local_tz=local_tz)
        rejected = [Rejected(**dataclasses.asdict(r)) for r in result.rejected]
        if not result.transfers:
            detail = [r.model_dump() for r in rejected] or "no credit transfer in the message"
            raise HTTPException(status_code=422, detail=detail)
        decisions = []
        now = datetime.now(UTC)
        for transfer in result.transfers:
            if transfer.ts > now:  # scheduled for later: decided now, as of now
                transfer = dataclasses.replace(transfer, ts=now)
            decision = flow.on_transfer(transfer)
            log.write("payment", decision)
            decisions.append(_out(decision))
        return IsoDecisions(
            message_id=result.message_id,
            message_type=result.message_type,
            decisions=decisions,
            rejected=rejected,
        )

    @app.post("/v1/calls/screen", responses=ERRORS)
    async def screen_call(call: Annotated[Call, Body()]) -> DecisionOut:
        """Screen a call at set-up (``allow``, ``flag``, ``block``) and remember it for the
        callee's bank."""
        record = cast(CallRecord, record_from(CALLS, call.model_dump(), "call"))
        _not_ahead(record.ts, settings.max_ahead_s, "call")
        decision = flow.on_call(record)
        assert decision is not None
        log.write("call", decision)
        return _out(decision)

    @app.post("/v1/calls/{call_id}/end", responses={**ERRORS, 404: {"model": Problem}})
    async def end_call(call_id: str, end: CallEnd) -> dict[str, object]:
        """How a call screened at set-up ended: whether it was answered and how long it
        lasted, so that payment scoring knows the call is over (until then a call counts as
        still going on)."""
        try:
            callee = normalise_presented(end.callee)
        except InvalidValue as error:
            raise InvalidFields("call end", [("callee", error.reason)]) from None
        if not flow.context.finish(callee, call_id, end.answered, end.duration_s):
            raise HTTPException(status_code=404, detail=f"no call {call_id!r} to {callee} kept")
        return {"call_id": call_id, "callee": callee, "finished": True}

    # The hot path: FastAPI's route above documents ``/v1/payments/score`` in the OpenAPI
    # contract; requests are dispatched to the same function through a plain Starlette route
    # placed first, which skips FastAPI's per-request dependency solving (about 100 us of the
    # 280 us a payment cost in-process; see bench/bench_api.py).
    app.router.routes.insert(0, Route("/v1/payments/score", score_payment, methods=["POST"]))
    return app


def _balance(raw: object) -> Decimal | None:
    """``payer_balance`` as money (zero allowed: an empty account), or a 422 naming it."""
    if raw is None:
        return None
    if raw in (0, "0", "0.0", "0.00"):
        return Decimal(0)
    if not isinstance(raw, str | int | float | Decimal) or isinstance(raw, bool):
        raise InvalidFields("payment", [("payer_balance", "expected a number")])
    try:
        return parse_money(raw)
    except InvalidValue as error:
        raise InvalidFields("payment", [("payer_balance", error.reason)]) from None


MAX_BODY_BYTES = 1 << 20


async def _body(request: Request) -> bytes:
    """The request body, refused with a 413 past ``MAX_BODY_BYTES`` before it is all read."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise HTTPException(status_code=413, detail=f"body over {MAX_BODY_BYTES:,} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise HTTPException(status_code=413, detail=f"body over {MAX_BODY_BYTES:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _not_ahead(ts: datetime, max_ahead_s: float, source: str) -> None:
    ahead = (ts - datetime.now(UTC)).total_seconds()
    if ahead > max_ahead_s:
        reason = f"{ahead:,.0f} s ahead of the server's clock (at most {max_ahead_s:g} s)"
        raise InvalidFields(source, [("ts", reason)])
