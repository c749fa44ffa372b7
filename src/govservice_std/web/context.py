"""What every request handler of the hall service reaches: the hall, its locality, tokens.

The web layer only parses requests, calls the library and renders the answer; this module
holds the objects it calls, built once per process by
:func:`~govservice_std.web.app.create_app`.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import attrs
from litestar import Request

from govservice_std.web.auth import AccessDeniedError, Permission, Role, TokenInfo, TokenStore

if TYPE_CHECKING:
    from govservice_std.forms.library import FormLibrary
    from govservice_std.items import Catalog
    from govservice_std.queues.state import Ticket
    from govservice_std.registry import ResolvedLocality
    from govservice_std.web.service import HallService

__all__ = ["SESSION_COOKIE", "HallContext", "bearer"]

SESSION_COOKIE = "govstd_session"
"""The cookie a signed-in page carries (HttpOnly, SameSite=Strict)."""

_CACHE_SECONDS = 2.0


def bearer(request: Request[Any, Any, Any]) -> tuple[str | None, bool]:
    """The token a request carries, and whether it came in the session cookie."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return cookie, True
    return None, False


@attrs.define
class HallContext:
    """The hall a service process serves and what its handlers need.

    Attributes:
        locality: The hall's resolved locality.
        service: The hall's queue, run by this process.
        tokens: The access tokens of the hall's database.
        lang: The service's default language for pages (``zh`` or ``en``).
    """

    locality: ResolvedLocality
    service: HallService
    tokens: TokenStore
    lang: str = "zh"
    _cache: dict[str, tuple[float, TokenInfo | None]] = attrs.field(factory=dict)

    @property
    def hall_code(self) -> str:
        """The hall's code."""
        return self.service.hall_code

    def catalog(self) -> Catalog:
        """The locality's service-item catalog."""
        return self.locality.catalog

    def forms(self) -> FormLibrary:
        """The locality's compiled forms."""
        return self.locality.forms

    def token(self, secret: str) -> TokenInfo | None:
        """The active token ``secret`` is for this hall (cached for two seconds)."""
        now = time.monotonic()
        hit = self._cache.get(secret)
        if hit is not None and now - hit[0] < _CACHE_SECONDS:
            return hit[1]
        info = self.tokens.check(secret, self.hall_code)
        if len(self._cache) > 1000:
            self._cache.clear()
        self._cache[secret] = (now, info)
        return info

    def authorize(
        self,
        request: Request[Any, Any, Any],
        permission: Permission,
        *,
        window: str | None = None,
    ) -> TokenInfo:
        """The request's token, if it may do ``permission`` (at ``window``).

        A page signed in with the session cookie must also send the CSRF token of its
        session in the ``X-CSRF-Token`` header on every write.

        Raises:
            AccessDeniedError: 401 without a valid token, 403 if the role may not.
        """
        from govservice_std.web.auth import csrf_token  # noqa: PLC0415

        secret, from_cookie = bearer(request)
        info = self.token(secret) if secret else None
        if secret is None or info is None:
            raise AccessDeniedError(
                "a valid access token is required",
                "需要有效的访问令牌，请先登录",
                status=401,
            )
        if from_cookie and request.method not in ("GET", "HEAD"):
            sent = request.headers.get("x-csrf-token", "")
            if sent != csrf_token(secret):
                raise AccessDeniedError(
                    "the request's CSRF token is missing or wrong",
                    "请求缺少或带有错误的防伪令牌，请刷新页面",
                )
        if not info.allows(permission):
            raise AccessDeniedError(
                f"a {info.role.value} token may not do this",
                f"“{info.role.value}”令牌无权执行此操作",
            )
        if window is not None:
            self.check_window(info, window)
        return info

    def check_window(self, info: TokenInfo, window: str | None) -> None:
        """Refuse a counter token acting at a window other than its own.

        Raises:
            AccessDeniedError: 403 if ``info`` is a counter token for another window.
        """
        if info.role is Role.COUNTER and window is not None and window != info.window:
            raise AccessDeniedError(
                f"a counter token of window {info.window} may not act at window {window}",
                f"{info.window} 窗口的令牌无权在 {window} 窗口操作",
            )

    def check_ticket(
        self,
        info: TokenInfo,
        ticket: Ticket,
        *,
        staff_window: str | None,
        served: tuple[str, ...],
    ) -> None:
        """Refuse a counter token acting on a ticket that is not its window's business.

        A ticket at a window (called, served) or held for one (parked, sent there) is that
        window's; one sent to a person is the window they are signed in at (none while they
        are signed in nowhere); one waiting in its line is the business of the windows
        serving that line. Other roles pass.

        Args:
            info: The request's token.
            ticket: The ticket acted on.
            staff_window: Where the person the ticket is sent to is signed in, if anywhere.
            served: The lines the token's window serves.

        Raises:
            AccessDeniedError: 403 if ``info`` is a counter token and the ticket is not its
                window's.
        """
        if info.role is not Role.COUNTER:
            return
        window = ticket.window or ticket.for_window
        if window is None and ticket.for_staff is not None:
            if staff_window is None:
                raise AccessDeniedError(
                    f"a counter token of window {info.window} may not act on ticket"
                    f" {ticket.label}: it is held for {ticket.for_staff}, who is signed in at"
                    " no window",
                    f"{ticket.label} 号已转给工作人员 {ticket.for_staff}（尚未在任何窗口登录），"
                    f"{info.window} 窗口的令牌无权处理",
                )
            window = staff_window
        if window is not None:
            self.check_window(info, window)
        elif ticket.line not in served:
            raise AccessDeniedError(
                f"a counter token of window {info.window} may not act on ticket {ticket.label}:"
                f" the window does not serve line {ticket.line}",
                f"{info.window} 窗口不办理 {ticket.line} 类业务，其令牌无权处理 {ticket.label} 号",
            )
