"""Pages from templates: the reader's language, the navigation their role allows, flashes.

:func:`page` renders one template of ``qorgan/web/templates`` with what every page needs:
``t`` (the :class:`~qorgan.web.i18n.Texts` of the reader's language), ``lang`` and the
switch's links (the current URL with ``?lang=xx``), ``nav`` (only what the role may open),
the ``reader`` and a one-time ``flash``. A ``?lang=`` in the URL also sets the language
cookie, so the choice sticks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from qorgan.cases import access
from qorgan.core.roles import Principal, Role
from qorgan.store.sql.alerts import visible_queues
from qorgan.web.i18n import LANGS, Texts, pick_lang

LANG_COOKIE = "qorgan_lang"
FLASH_COOKIE = "qorgan_flash"
AUDITORS = frozenset({Role.ANALYST, Role.ADMIN})


@cache
def environment() -> Environment:
    """The template environment (autoescaped HTML; an undefined name is an error)."""
    return Environment(
        loader=PackageLoader("qorgan.web", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass(frozen=True, slots=True)
class NavItem:
    """A link of the main navigation.

    Attributes:
        key: its catalog key (``nav.cases``).
        href: where it goes.
        section: the section it marks as current.
    """

    key: str
    href: str
    section: str


def navigation(reader: Principal | None) -> tuple[NavItem, ...]:
    """The main navigation for ``reader``'s role: alerts if it sees a queue, cases if it may
    read cases, the audit log for analysts and admins."""
    if reader is None:
        return ()
    items = [NavItem("nav.dashboard", "/console", "dashboard")]
    queues = visible_queues(reader)
    if queues:
        items.append(NavItem("nav.alerts", f"/console/alerts/{queues[0].value}", "alerts"))
    if reader.role in access.READ:
        items.append(NavItem("nav.cases", "/console/cases", "cases"))
    items.append(NavItem("nav.registry", "/console/registry", "registry"))
    if reader.role in AUDITORS:
        items.append(NavItem("nav.audit", "/console/audit", "audit"))
    return tuple(items)


def lang_of(request: Request) -> str:
    """The language of this request: ``?lang=``, the cookie, ``Accept-Language``, Kazakh."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    return pick_lang(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))


def lang_links(request: Request) -> dict[str, str]:
    """The current URL with ``lang`` set to each language (other parameters kept)."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return {lang: f"{request.url.path}?{urlencode([*kept, ('lang', lang)])}" for lang in LANGS}


def page(
    request: Request,
    reader: Principal | None,
    template: str,
    section: str = "",
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """``template`` rendered for ``reader`` in the request's language."""
    lang = lang_of(request)
    texts = Texts(lang)
    flash = _flash(request.cookies.get(FLASH_COOKIE), texts)
    html = (
        environment()
        .get_template(template)
        .render(
            t=texts,
            lang=lang,
            langs=LANGS,
            lang_links=lang_links(request),
            nav=navigation(reader),
            section=section,
            reader=reader,
            flash=flash,
            **context,
        )
    )
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'"
    )
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, path="/console",
                            samesite="strict", httponly=True)  # fmt: skip
    if flash is not None:
        response.delete_cookie(FLASH_COOKIE, path="/console")
    return response


def set_flash(response: Response, key: str, value: str = "") -> None:
    """Show the catalog message ``flash.<key>`` (with ``{seq}`` = ``value``) on the next page."""
    response.set_cookie(FLASH_COOKIE, f"{key}:{value}", max_age=120, path="/console",
                        httponly=True, samesite="strict")  # fmt: skip


def _flash(raw: str | None, texts: Texts) -> str | None:
    if not raw:
        return None
    key, _, value = raw.partition(":")
    try:
        return texts(f"flash.{key}", seq=value)
    except KeyError:
        return None
