"""The audit trail: appends chain by hash, and any tampering is named by its seq."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from qorgan.core.errors import InvalidInput
from qorgan.core.roles import Principal, Role
from qorgan.store.sql.audit import append_audit, audit_entries, verify_audit
from qorgan.store.sql.db import Database

POLICE = Principal("police-almaty", Role.POLICE)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _append(session: Session, n: int) -> list[int]:
    return [
        append_audit(
            session, actor=POLICE if i % 2 else None, action="case.create",
            subject_kind="case", subject_id=f"C-{i}", detail={"amount_tiyn": 100 * i}, at=T0,
        )
        for i in range(n)
    ]  # fmt: skip


def test_appends_are_numbered_from_one_and_the_chain_verifies(database: Database) -> None:
    with database.session() as session:
        assert _append(session, 5) == [1, 2, 3, 4, 5]
    with database.session() as session:
        verdict = verify_audit(session)
        rows = list(audit_entries(session))
    assert verdict.ok
    assert verdict.entries == 5
    assert [r.actor for r in rows[:2]] == ["system", "police-almaty"]
    assert rows[1].prev_hash == rows[0].hash


def test_an_empty_log_verifies(database: Database) -> None:
    with database.session() as session:
        assert verify_audit(session).ok


def test_a_changed_detail_is_named_as_a_hash_mismatch(database: Database) -> None:
    with database.session() as session:
        _append(session, 4)
    with database.session() as session:
        session.execute(
            text("update audit_log set detail = :d where seq = 3"), {"d": '{"amount_tiyn":1}'}
        )
    with database.session() as session:
        verdict = verify_audit(session)
    assert not verdict.ok
    assert verdict.first_bad_seq == 3
    assert verdict.reason is not None
    assert verdict.reason.startswith("hash mismatch")
    assert verdict.entries == 2


def test_a_deleted_entry_is_named_as_a_gap(database: Database) -> None:
    with database.session() as session:
        _append(session, 4)
    with database.session() as session:
        session.execute(text("delete from audit_log where seq = 2"))
    with database.session() as session:
        verdict = verify_audit(session)
    assert (verdict.ok, verdict.first_bad_seq) == (False, 2)
    assert verdict.reason is not None
    assert verdict.reason.startswith("gap")


def test_deleting_the_newest_entry_is_caught_by_the_head(database: Database) -> None:
    with database.session() as session:
        _append(session, 3)
    with database.session() as session:
        session.execute(text("delete from audit_log where seq = 3"))
    with database.session() as session:
        verdict = verify_audit(session)
    assert (verdict.ok, verdict.first_bad_seq) == (False, 3)


def test_a_rewritten_entry_with_a_recomputed_hash_breaks_the_next_link(
    database: Database,
) -> None:
    with database.session() as session:
        _append(session, 3)
    with database.session() as session:
        session.execute(text("update audit_log set hash = :h where seq = 2"), {"h": "f" * 64})
    with database.session() as session:
        verdict = verify_audit(session)
    assert verdict.first_bad_seq == 2  # its own hash no longer matches its content


def test_a_float_in_the_detail_is_refused(database: Database) -> None:
    with database.session() as session, pytest.raises(InvalidInput, match="float"):
        append_audit(session, actor=None, action="order.confirm", subject_kind="order",
                     subject_id="O-1", detail={"amount": 1.5})  # fmt: skip


def test_an_append_rolled_back_leaves_no_trace(database: Database) -> None:
    def append_then_fail() -> None:
        with database.session() as session:
            _append(session, 2)
            raise RuntimeError("the change it records failed")

    with pytest.raises(RuntimeError):
        append_then_fail()
    with database.session() as session:
        _append(session, 1)
    with database.session() as session:
        verdict = verify_audit(session)
    assert verdict.ok
    assert verdict.entries == 1


def test_concurrent_writers_keep_one_chain(database: Database) -> None:
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        for i in range(10):
            for _attempt in range(20):
                try:
                    with database.session() as session:
                        append_audit(
                            session, actor=None, action="indicator.read",
                            subject_kind="indicator", subject_id=f"{worker}-{i}",
                        )  # fmt: skip
                    break
                except Exception as error:
                    last = error
            else:
                errors.append(last)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with database.session() as session:
        verdict = verify_audit(session)
    assert verdict.ok
    assert verdict.entries == 40
