"""HTTP-level protections around the Gradio app: a login throttle with lockout, security
headers, refusal of malformed queue calls, a page session held by the user who opened it, and
who is signed in (for routes outside Gradio)."""

from __future__ import annotations

import json
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

SECURITY_HEADERS = {
    # Gradio's page needs inline scripts and styles; nothing may load from another host.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
        "media-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; "
        "form-action 'self'; base-uri 'self'; object-src 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@dataclass
class LoginThrottle:
    """Failed sign-ins per user name and per client address. After ``max_failures`` within
    ``window_s`` the name (or address) is locked for ``lockout_s``: even the right password
    is refused until then."""

    max_failures: int = 5
    # A client address (many users behind one proxy share one) locks only after many more.
    max_address_failures: int = 50
    window_s: float = 900.0
    lockout_s: float = 900.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _locked_until: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def locked(self, *keys: str) -> float:
        """Seconds until the longest lock among ``keys`` ends (0: not locked)."""
        now = self.clock()
        with self._lock:
            return max([0.0, *(self._locked_until.get(k, 0.0) - now for k in keys)])

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                recent = [t for t in self._failures.get(key, []) if now - t < self.window_s]
                recent.append(now)
                self._failures[key] = recent
                limit = self.max_address_failures if key.startswith("addr:") else self.max_failures
                if len(recent) >= limit:
                    self._locked_until[key] = now + self.lockout_s
                    self._failures[key] = []

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


@dataclass
class SessionOwners:
    """Which signed-in user holds each Gradio page session. Gradio keeps a page's state (the
    chat, the coaching session) per session hash, and the hash travels in request URLs; a
    session is claimed by the first user who uses it, and refused to anyone else. The least
    recently used claims are forgotten past ``limit`` (a live page renews its claim with every
    heartbeat)."""

    limit: int = 200_000
    _owners: OrderedDict[str, str] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def claim(self, session_hash: str, user: str) -> bool:
        """True when ``user`` may use the session (now theirs if nobody held it)."""
        with self._lock:
            owner = self._owners.get(session_hash)
            if owner is not None and owner != user:
                return False
            self._owners[session_hash] = user
            self._owners.move_to_end(session_hash)
            while len(self._owners) > self.limit:
                self._owners.popitem(last=False)
            return True


# Gradio routes that name a page session in the path: /heartbeat/{hash}, /stream/{hash}/...
_SESSION_IN_PATH = re.compile(r"/heartbeat/([^/]+)/?$|/stream/([^/]+)/[^/]+/[^/]+/")
# ... and those that name an event, whose session is the event's: /call/{api}/{event}.
_EVENT_IN_PATH = re.compile(r"/call/(?:v2/)?[^/]+/([^/]+)/?$")
# Gradio routes that take no sign-in of their own but act on a session or an event.
_UNGUARDED = re.compile(r"/(?:heartbeat/[^/]+|cancel|reset|stream/[^/]+(?:/close)?)/?$")


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def install(
    server: FastAPI,
    throttle: LoginThrottle,
    fn_count: Callable[[], int],
    owners: SessionOwners | None = None,
    user_of: Callable[[Request], str | None] | None = None,
    event_session: Callable[[str], str | None] | None = None,
) -> None:
    """Add the protections to ``server`` (the FastAPI app the Gradio app is mounted in).

    With ``owners`` and ``user_of`` (who is signed in; None: nobody), a page session is held
    by the user who first used it, and a request that names another user's session (in its
    path, query or JSON body, or through an event of it: ``event_session``) is refused."""

    @server.middleware("http")
    async def protect(request: Request, call_next):
        path = request.url.path.rstrip("/")
        problem = None
        if owners is not None and user_of is not None:
            problem = await _foreign_session(request, owners, user_of, event_session)
        if problem is not None:
            response = problem
        elif request.method == "POST" and path.endswith("/login"):
            response = await _guarded_login(request, call_next, throttle)
        elif request.method == "POST" and path.endswith("/queue/join"):
            problem = await _bad_queue_call(request, fn_count())
            response = problem or await call_next(request)
        else:
            response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if _over_https(request):
            _drop_insecure_cookie(response)
        return response


async def _guarded_login(request: Request, call_next, throttle: LoginThrottle) -> Response:
    # The body is read (and kept) before the form is parsed from it, so that Gradio's sign-in
    # reads the same body afterwards.
    await request.body()
    try:
        form = await request.form()
        names, passwords = form.getlist("username"), form.getlist("password")
    except Exception:  # a body that is no form
        names, passwords = [], []
    if len(names) != 1 or len(passwords) != 1 or not isinstance(names[0], str):
        # The throttle must count the very name the sign-in checks: a form with two names
        # (a decoy first) would lock the decoy and leave the real account open to guessing.
        return JSONResponse(
            {"detail": "a sign-in takes exactly one user name and one password"},
            status_code=400,
        )
    user_key = f"user:{names[0].strip().lower()}"
    address_key = f"addr:{_client_address(request)}"
    keys = (user_key, address_key)
    wait = throttle.locked(*keys)
    if wait > 0:
        return JSONResponse(
            {"detail": f"too many failed sign-ins; try again in {int(wait // 60) + 1} min"},
            status_code=429,
            headers={"Retry-After": str(int(wait) + 1)},
        )
    response = await call_next(request)
    if response.status_code == 200:
        # Only the account's count is cleared: an address's failures stay, or signing in to
        # one's own account now and then would reset the lock on guessing other accounts.
        throttle.succeeded(user_key)
    else:
        throttle.failed(*keys)
    return response


async def _named_sessions(
    request: Request, event_session: Callable[[str], str | None] | None
) -> set[str]:
    """Every page session a request names: in its path, its query, its JSON body, or as the
    session of the event its path names."""
    path = request.url.path
    named: set[str] = set()
    if match := _SESSION_IN_PATH.search(path):
        named.add(match.group(1) or match.group(2))
    event = _EVENT_IN_PATH.search(path)
    session = event_session(event.group(1)) if event and event_session is not None else None
    if session is not None:
        named.add(session)
    named.update(request.query_params.getlist("session_hash"))
    kind = request.headers.get("content-type", "")
    if request.method == "POST" and "multipart" in kind:
        if path.rstrip("/").endswith("/component_server"):
            named.add("")  # a session only the form names: not read here, so not allowed
    elif request.method == "POST" and "x-www-form-urlencoded" not in kind:
        try:
            data = json.loads(await request.body() or b"{}")
        except ValueError:  # not JSON: the route itself answers that
            data = None
        if isinstance(data, dict) and isinstance(data.get("session_hash"), str):
            named.add(data["session_hash"])
    return named


async def _foreign_session(
    request: Request,
    owners: SessionOwners,
    user_of: Callable[[Request], str | None],
    event_session: Callable[[str], str | None] | None,
) -> Response | None:
    named = await _named_sessions(request, event_session)
    if not named:
        return None
    user = user_of(request)
    if user is None:
        # Gradio asks for a sign-in on most of these routes itself; on those that act on a
        # session or an event without one (heartbeat, cancel, reset, stream), it is asked here.
        if _UNGUARDED.search(request.url.path):
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        return None
    if "" in named:
        return JSONResponse({"detail": "this call must name its session in JSON"}, status_code=415)
    if all(owners.claim(session_hash, user) for session_hash in named):
        return None
    return JSONResponse({"detail": "this page session belongs to another user"}, status_code=403)


async def _bad_queue_call(request: Request, functions: int) -> Response | None:
    """A queue call naming no real handler gets a 4xx with a message, not a server error."""
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError:
        return JSONResponse({"detail": "the request body is not JSON"}, status_code=400)
    if not isinstance(data, dict):
        return JSONResponse({"detail": "the request body must be an object"}, status_code=400)
    number = data.get("fn_index")
    if number is not None and (
        not isinstance(number, int) or isinstance(number, bool) or not 0 <= number < functions
    ):
        return JSONResponse({"detail": f"no handler number {number!r}"}, status_code=422)
    if "data" in data and not isinstance(data["data"], list):
        return JSONResponse({"detail": "'data' must be a list"}, status_code=422)
    return None


def _over_https(request: Request) -> bool:
    proto = request.headers.get("x-forwarded-proto", request.url.scheme)
    return proto.split(",")[0].strip().lower() == "https"


def _drop_insecure_cookie(response: Response) -> None:
    """Behind HTTPS the session cookie Gradio also sets without ``Secure`` is not needed."""
    kept = [
        (name, value)
        for name, value in response.raw_headers
        if not (name.lower() == b"set-cookie" and value.startswith(b"access-token-unsecure"))
    ]
    response.raw_headers[:] = kept


def signed_in_user(server: FastAPI, request: Request) -> str | None:
    """The user name of the Gradio session cookie on ``request`` (None when not signed in)."""
    gradio_app = _gradio_app(server)
    if gradio_app is None:
        return None
    cookie_id = gradio_app.cookie_id
    token = request.cookies.get(f"access-token-{cookie_id}") or request.cookies.get(
        f"access-token-unsecure-{cookie_id}"
    )
    return gradio_app.tokens.get(token) if token else None


def _gradio_app(server: FastAPI):
    for route in server.routes:
        app = getattr(route, "app", None)
        if app is not None and hasattr(app, "tokens") and hasattr(app, "cookie_id"):
            return app
    return None
