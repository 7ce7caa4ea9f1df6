"""The SIP front against a real SIP peer: SIPp (Debian's ``sip-tester``) and raw sockets.

Each test starts the front in-process on an ephemeral port of 127.0.0.1 (UDP and TCP on the
same port) and drives it with a SIPp scenario from ``sipp/`` or with bytes from a socket.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from qorgan.core.ports import IndicatorHit, IndicatorKind, IndicatorStatus, InMemoryIndicators
from qorgan.core.records import CallRecord, Ingress, RoamingRecord
from qorgan.sipfront import BackgroundServer, DecisionLog, SipSettings
from qorgan.telecom.roaming import RoamingIndex
from qorgan.telecom.screening import CallScreener, CallVerdict
from qorgan.telecom.stir import PassportResult

pytestmark = pytest.mark.slow

SCENARIOS = Path(__file__).parent / "sipp"
DOC = Path(__file__).resolve().parents[2] / "docs" / "sip-front.md"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
KZ_MOBILE = "+77011234567"
KZ_CALLEE = "+77021234567"
INTL = ";tgrp=international;trunk-context=qorgan.kz"
NONE = "X-Test: none"  # stands in for a header line a scenario leaves out

Start = Callable[..., BackgroundServer]


@pytest.fixture
def start() -> Iterator[Start]:
    """Starts SIP fronts on ephemeral ports (fixed clock); stops them all afterwards."""
    servers: list[BackgroundServer] = []

    def start(
        screener: CallScreener | None = None,
        decisions: DecisionLog | None = None,
        **settings: object,
    ) -> BackgroundServer:
        front = BackgroundServer(
            SipSettings(port=0, **settings),  # type: ignore[arg-type]
            screener or CallScreener(),
            clock=lambda: NOW,
            decisions=decisions,
        )
        servers.append(front.start())
        return front

    yield start
    for front in servers:
        front.stop()


@pytest.fixture
def sipp() -> str:
    path = shutil.which("sipp")
    if path is None:
        pytest.skip("sipp is not on PATH: apt-get install sip-tester")
    return path


def run_sipp(
    sipp: str,
    scenario: str,
    port: int,
    workdir: Path,
    *,
    transport: str = "u1",
    caller: str = KZ_MOBILE,
    callee: str = KZ_CALLEE,
    ruri_params: str = "",
    pai: str = NONE,
    identity: str = NONE,
) -> str:
    """Run one call of a scenario; assert it succeeded; return SIPp's message log."""
    messages = workdir / f"{scenario}.messages.log"
    errors = workdir / f"{scenario}.errors.log"
    keys = {
        "caller": caller,
        "callee": callee,
        "ruri_params": ruri_params,
        "pai": pai,
        "identity": identity,
    }
    command = [
        sipp, f"127.0.0.1:{port}", "-sf", str(SCENARIOS / scenario), "-t", transport,
        "-i", "127.0.0.1", "-p", str(_free_port()), "-m", "1", "-timeout", "10s",
        "-timeout_error", "-nostdin", "-trace_err", "-error_file", str(errors), "-trace_msg",
        "-message_file", str(messages),
    ]  # fmt: skip
    for name, value in keys.items():
        command += ["-key", name, value]
    result = subprocess.run(
        command, cwd=workdir, capture_output=True, text=True, timeout=30, check=False
    )
    log = messages.read_text(errors="replace") if messages.exists() else ""
    trouble = errors.read_text(errors="replace") if errors.exists() else ""
    assert result.returncode == 0, f"sipp exit {result.returncode}\n{trouble}\n{log}"
    return log


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def invite(callee: str = KZ_CALLEE, caller: str = KZ_MOBILE, call_id: str = "c1") -> bytes:
    return (
        f"INVITE sip:{callee}@127.0.0.1;user=phone SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-raw-1;rport\r\n"
        "Max-Forwards: 70\r\n"
        f"f: <sip:{caller}@127.0.0.1;user=phone>;tag=raw\r\n"
        f"t: <sip:{callee}@127.0.0.1;user=phone>\r\n"
        f"i: {call_id}\r\n"
        "CSeq: 1 INVITE\r\n"
        "l: 0\r\n\r\n"
    ).encode()


def exchange(port: int, *datagrams: bytes, timeout: float = 2.0) -> list[bytes]:
    """Send datagrams from one UDP socket; the answer to each, in order (b"" for none)."""
    answers = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
        client.settimeout(timeout)
        for data in datagrams:
            client.sendto(data, ("127.0.0.1", port))
            try:
                answers.append(client.recv(65535))
            except TimeoutError:
                answers.append(b"")
    return answers


def status(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


@pytest.mark.parametrize("transport", ["u1", "t1"])
def test_legitimate_domestic_call_is_redirected_with_302(
    sipp: str, start: Start, tmp_path: Path, transport: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="qorgan.sipfront")
    front = start()
    log = run_sipp(sipp, "invite_302.xml", front.port, tmp_path, transport=transport)
    assert "SIP/2.0 302 Moved Temporarily" in log
    assert f"Contact: <sip:{KZ_CALLEE}@127.0.0.1:{front.port};user=phone>" in log
    line = next(r.getMessage() for r in caplog.records if "sip invite" in r.getMessage())
    assert f"caller={KZ_MOBILE} callee={KZ_CALLEE} ingress=domestic" in line
    assert "action=allow status=302" in line


def test_kazakh_cli_on_international_trunk_not_roaming_is_declined_603(
    sipp: str, start: Start, tmp_path: Path
) -> None:
    front = start()
    log = run_sipp(sipp, "invite_603.xml", front.port, tmp_path, ruri_params=INTL)
    assert 'Reason: SIP;cause=603;text="CLI_SPOOF_INTL"' in log


def test_roaming_subscriber_calling_over_international_trunk_is_redirected(
    sipp: str, start: Start, tmp_path: Path
) -> None:
    stay = RoamingRecord(KZ_MOBILE, NOW - timedelta(days=2), None, "TR")
    front = start(CallScreener(roaming=RoamingIndex([stay])))
    run_sipp(sipp, "invite_302.xml", front.port, tmp_path, ruri_params=INTL)


def test_number_blocked_in_the_registry_is_rejected_608_with_jwscard(
    sipp: str, start: Start, tmp_path: Path
) -> None:
    hit = IndicatorHit(IndicatorKind.MSISDN, KZ_MOBILE, IndicatorStatus.BLOCKED, 0.99, ("afc",))
    front = start(
        CallScreener(indicators=InMemoryIndicators((hit,))),
        jwscard_url="https://afc.example.kz/jwscard",
    )
    log = run_sipp(sipp, "invite_608.xml", front.port, tmp_path, transport="t1")
    assert 'Reason: SIP;cause=608;text="CLI_BLOCKED"' in log
    assert "Call-Info: <https://afc.example.kz/jwscard>;purpose=jwscard" in log


def test_russian_mobile_on_international_trunk_is_redirected(
    sipp: str, start: Start, tmp_path: Path
) -> None:
    front = start()
    run_sipp(sipp, "invite_302.xml", front.port, tmp_path, caller="+79161234567", ruri_params=INTL)


def test_p_asserted_identity_is_the_caller_rather_than_from(
    sipp: str, start: Start, tmp_path: Path
) -> None:
    front = start()
    pai = f"P-Asserted-Identity: <tel:{KZ_MOBILE}>"
    run_sipp(
        sipp, "invite_603.xml", front.port, tmp_path, caller="anonymous", pai=pai,
        ruri_params=INTL,
    )  # fmt: skip


def test_source_range_sets_the_ingress_when_no_trunk_group_is_given(
    sipp: str, start: Start, tmp_path: Path
) -> None:
    front = start(source_ranges=(("127.0.0.0/8", Ingress.INTERNATIONAL),))
    log = run_sipp(sipp, "invite_603.xml", front.port, tmp_path)
    assert 'text="CLI_SPOOF_INTL"' in log


def test_emergency_call_is_redirected_without_screening(
    sipp: str, start: Start, tmp_path: Path
) -> None:
    front = start()
    run_sipp(sipp, "invite_302.xml", front.port, tmp_path, callee="112", ruri_params=INTL)


def test_options_health_check_gets_200(sipp: str, start: Start, tmp_path: Path) -> None:
    front = start()
    run_sipp(sipp, "options_200.xml", front.port, tmp_path)


class StubPassports:
    """A PassportCheck that trusts exactly the token ``good`` (attestation A)."""

    def verify(self, identity: str, *, orig: str | None, dest: str, at: datetime) -> PassportResult:
        if identity.startswith("good;"):
            return PassportResult(True, "A")
        return PassportResult(False, None, "bad signature")


def test_valid_identity_is_redirected_with_verstat_passed(
    sipp: str, start: Start, tmp_path: Path
) -> None:
    front = start(CallScreener(passports=StubPassports()))
    identity = "Identity: good;info=<https://cert.example.kz/sp.pem>;alg=ES256;ppt=shaken"
    log = run_sipp(sipp, "invite_verstat.xml", front.port, tmp_path, identity=identity)
    assert f"P-Asserted-Identity: <tel:{KZ_MOBILE};verstat=TN-Validation-Passed>" in log


def test_invalid_identity_is_declined(sipp: str, start: Start, tmp_path: Path) -> None:
    front = start(CallScreener(passports=StubPassports()))
    identity = "Identity: forged;info=<https://cert.example.kz/sp.pem>;alg=ES256;ppt=shaken"
    log = run_sipp(sipp, "invite_603.xml", front.port, tmp_path, identity=identity)
    assert 'text="STIR_INVALID"' in log


def test_real_passport_verifier_passes_a_signed_call_and_declines_a_forged_one(
    sipp: str, start: Start, tmp_path: Path
) -> None:
    passport = pytest.importorskip("qorgan.telecom.passport", reason="PassportVerifier not in")
    from qorgan.telecom.certs import TrustStore

    x5u = "https://cert.operator.kz/shaken/leaf.pem"
    root_key, leaf_key, forger = (_p256() for _ in range(3))
    root = _certificate("Qorgan Test STI-CA", root_key, root_key, ca=True)
    leaf = _certificate("Test SP", leaf_key, root_key, issuer=root)
    verifier = passport.PassportVerifier(TrustStore(roots=[root], certificates={x5u: leaf}))
    front = start(CallScreener(passports=verifier))
    signed, forged = (
        passport.sign_passport(key, x5u, KZ_MOBILE, KZ_CALLEE, NOW, "A", "4b9c0d3e-0001")
        for key in (leaf_key, forger)
    )
    log = run_sipp(sipp, "invite_verstat.xml", front.port, tmp_path, identity=f"Identity: {signed}")
    assert "verstat=TN-Validation-Passed" in log
    log = run_sipp(sipp, "invite_603.xml", front.port, tmp_path, identity=f"Identity: {forged}")
    assert 'text="STIR_INVALID"' in log


def _p256() -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())


def _certificate(name: str, key: Any, signer: Any, *, ca: bool = False, issuer: Any = None) -> Any:
    """An X.509 certificate for ``key``, signed by ``signer`` (self-signed without issuer)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer is not None else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=30))
        .not_valid_after(NOW + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(signer, hashes.SHA256())
    )


def test_malformed_requests_get_400_and_the_server_keeps_serving(start: Start) -> None:
    front = start()
    no_call_id = invite().replace(b"i: c1\r\n", b"")
    garbage, missing, after = exchange(front.port, b"\x00\xffnot sip\r\n\r\n", no_call_id, invite())
    assert status(garbage) == 400
    assert status(missing) == 400
    assert b'Warning: 399 qorgan "missing Call-ID header field"' in missing
    assert b"Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-raw-1;rport=" in missing
    assert status(after) == 302


class CountingScreener(CallScreener):
    """A screener that counts the calls it screened."""

    calls = 0

    def screen(self, call: CallRecord, identity: str | None = None) -> CallVerdict:
        self.calls += 1
        return super().screen(call, identity)


def test_retransmitted_invite_gets_the_identical_response_without_rescreening(
    start: Start,
) -> None:
    screener, lines = CountingScreener(), io.StringIO()
    front = start(screener, DecisionLog(lines))
    first, again = exchange(front.port, invite(), invite())
    front.stop()  # writes the decision lines waiting
    assert status(first) == 302
    assert again == first
    assert screener.calls == 1
    assert lines.getvalue().count("sip invite ts=2026-03-01T12:00:00.000Z call_id=c1 ") == 1


def test_other_methods_get_405_and_ack_is_absorbed(start: Start) -> None:
    front = start()
    register = invite().replace(b"INVITE", b"REGISTER")
    ack = invite().replace(b"INVITE", b"ACK")
    answered, absorbed = exchange(front.port, register, ack, timeout=0.5)
    assert status(answered) == 405
    assert b"Allow: INVITE, OPTIONS, ACK\r\n" in answered
    assert absorbed == b""


def test_tcp_stream_framed_by_content_length_answers_each_request(start: Start) -> None:
    front = start()
    two = invite(call_id="t1") + invite(callee="+77051234567", call_id="t2")
    with socket.create_connection(("127.0.0.1", front.port), timeout=2) as client:
        client.sendall(b"\r\n\r\n" + two[:100])  # a keep-alive ping, then a split message
        assert client.recv(2) == b"\r\n"
        client.sendall(two[100:])
        received = b""
        while received.count(b"SIP/2.0 302") < 2:
            received += client.recv(65535)
    assert b"Call-ID: t1\r\n" in received
    assert b"Call-ID: t2\r\n" in received


def documented_kamailio_config(front: int, core: int, proxy: int) -> str:
    """The Kamailio configuration of ``docs/sip-front.md``, pointed at loopback ports."""
    config = DOC.read_text(encoding="utf-8").split("```kamailio\n", 1)[1].split("```", 1)[0]
    for pattern, value in (
        (r'#!define QORGAN "[^"]+"', f'#!define QORGAN "sip:127.0.0.1:{front}"'),
        (r'#!define CORE "[^"]+"', f'#!define CORE "sip:127.0.0.1:{core}"'),
        (r"listen=udp:\S+", f"listen=udp:127.0.0.1:{proxy}"),
        (r"children=\d+", "children=1"),
    ):
        config, found = re.subn(pattern, value, config)
        assert found == 1, pattern
    return config


def test_documented_kamailio_config_relays_flags_declines_and_fails_open(
    sipp: str, start: Start, tmp_path: Path
) -> None:
    kamailio = shutil.which("kamailio") or shutil.which("kamailio", path="/usr/sbin")
    if kamailio is None:
        pytest.skip("kamailio is not installed: apt-get install kamailio")
    front = start(source_ranges=(("127.0.0.0/8", Ingress.INTERNATIONAL),))
    core, proxy = _free_port(), _free_port()
    config = tmp_path / "kamailio.cfg"
    config.write_text(documented_kamailio_config(front.port, core, proxy), encoding="utf-8")
    core_log, proxy_log = tmp_path / "core.log", tmp_path / "kamailio.log"
    uas = subprocess.Popen(
        [sipp, "-sn", "uas", "-i", "127.0.0.1", "-p", str(core), "-nostdin", "-trace_msg",
         "-message_file", str(core_log)],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    with proxy_log.open("wb") as log:
        kam = subprocess.Popen(
            [kamailio, "-f", str(config), "-DD", "-E"],
            cwd=tmp_path, stdout=log, stderr=log, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while b"Listening on" not in proxy_log.read_bytes() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.3)  # the children start after the banner

        def builtin_uac() -> int:
            command = [
                sipp, f"127.0.0.1:{proxy}", "-sn", "uac", "-i", "127.0.0.1", "-m", "1",
                "-p", str(_free_port()), "-timeout", "10s", "-timeout_error", "-nostdin",
            ]  # fmt: skip
            return subprocess.run(
                command, cwd=tmp_path, capture_output=True, timeout=30, check=False
            ).returncode

        # The builtin UAC's caller "sipp" is no number: withheld, over international: flagged.
        flagged = builtin_uac()
        assert flagged == 0, proxy_log.read_text(errors="replace")
        assert "X-Qorgan-Flag: CLI_WITHHELD_INTL" in core_log.read_text(errors="replace")
        log_text = run_sipp(sipp, "invite_603.xml", proxy, tmp_path)
        assert 'Reason: SIP;cause=603;text="CLI_SPOOF_INTL"' in log_text
        front.stop()
        assert builtin_uac() == 0, proxy_log.read_text(errors="replace")
        assert b"failing open" in proxy_log.read_bytes()
    finally:
        os.killpg(kam.pid, signal.SIGTERM)
        kam.wait(10)
        uas.terminate()
        uas.wait(10)
