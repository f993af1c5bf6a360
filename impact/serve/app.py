"""The ASGI app behind ``impact serve``: versioned JSON endpoints and the playground page.

Every endpoint answers JSON; every failure is a 4xx with ``{"error": "..."}`` (a 500 says
``internal error`` and nothing more: no traceback ever leaves the process). Bodies are read up to
a limit and refused past it (413). Writes to rule files are confined to the rule folder, to
``.yaml``/``.yml`` regular files that are not symlinks, and need ``Content-Type: application/json``
(which a cross-site form cannot send). With a token, every request must carry it (the header
``Authorization: Bearer TOKEN``, or the cookie the page gets from ``/?token=TOKEN``).
"""

from __future__ import annotations

import contextlib
import hmac
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator, Iterator

from starlette.applications import Starlette
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from impact.errors import InputError
from impact.explain.trace import trace_dict
from impact.io.records import read_jsonl
from impact.io.results import evaluated_lines
from impact.pipeline.document import DocumentFailure, attempt
from impact.reload import ReloadingEngine
from impact.ruleset.collection import RulePath, default_rules_path, rule_files, rule_stack
from impact.serve.openapi import DOCS_PAGE, openapi_schema
from impact.serve.samples import sample_names, sample_text

STATIC = Path(__file__).resolve().parent / "static"
RULE_SUFFIXES = (".yaml", ".yml")
NDJSON = "application/x-ndjson"
TOKEN_COOKIE = "impact_token"


@dataclass(frozen=True)
class Settings:
    """What one server runs with. ``rules``: the rule folder, or a stack of them bottom first
    (``["bundled", "my_rules/"]``; None: the bundled pack, read-only). The editor edits the top one."""

    rules: RulePath = None
    token: str | None = None
    max_document_bytes: int = 2 * 1024 * 1024  # one JSON document (text and fields)
    max_batch_bytes: int = 32 * 1024 * 1024  # one JSONL batch body
    max_rule_file_bytes: int = 1024 * 1024  # one rule file saved from the editor
    reload_interval: float | None = 1.0  # poll the rule folder (None: reload only on a save)
    allowed_hosts: tuple[str, ...] | None = None  # Host header check (None: any host)
    editable: bool | None = None  # the editor may save (default: when a folder was given)


def create_app(rules: RulePath = None, **options: Any) -> Starlette:
    """The ASGI application for a rule folder (or a stack); keyword options are :class:`Settings` fields."""
    settings = Settings(rules=rules, **options)
    root = rule_stack(settings.rules)[-1]  # the folder the editor reads and writes
    bundled = root.resolve() == default_rules_path().resolve()
    editable = settings.editable if settings.editable is not None else not bundled
    engine = ReloadingEngine(settings.rules, interval=settings.reload_interval)
    api = _Api(engine, root.resolve(), settings, editable)

    routes = [
        Route("/", api.index, methods=["GET"]),
        Route("/healthz", api.healthz, methods=["GET"]),
        Route("/openapi.json", api.openapi, methods=["GET"]),
        Route("/docs", api.docs, methods=["GET"]),
        Route("/v1/evaluate", api.evaluate, methods=["POST"]),
        Route("/v1/explain", api.explain, methods=["POST"]),
        Route("/v1/rules", api.rules, methods=["GET"]),
        Route("/v1/files", api.files, methods=["GET"]),
        Route("/v1/files/{name:path}", api.read_file, methods=["GET"]),
        Route("/v1/files/{name:path}", api.save_file, methods=["PUT"]),
        Route("/v1/samples", api.samples, methods=["GET"]),
        Route("/v1/samples/{name}", api.sample, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = []
    if settings.allowed_hosts is not None:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts)))
    if settings.token:
        middleware.append(Middleware(_TokenGate, token=settings.token))
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: _http_error, Exception: _internal_error},
        lifespan=_lifespan(engine),
    )
    app.state.engine = engine
    app.state.settings = settings
    return app


def _lifespan(engine: ReloadingEngine) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            engine.stop()  # the folder watcher ends with the server

    return lifespan


# -- errors -------------------------------------------------------------------------------------


def _error(status: int, message: str, **more: Any) -> JSONResponse:
    return JSONResponse({"error": message, **more}, status_code=status)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _error(exc.status_code, str(exc.detail))


async def _internal_error(request: Request, exc: Exception) -> Response:
    return _error(500, f"internal error: {type(exc).__name__}")


class _TokenGate:
    """Refuse (401) every request that does not carry the bearer token, by header or cookie."""

    def __init__(self, app: ASGIApp, token: str):
        self.app = app
        self.token = token.encode("utf-8")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        offered = _bearer(request.headers.get("authorization", "")) or request.cookies.get(TOKEN_COOKIE, "")
        from_query = request.query_params.get("token", "") if scope["path"] == "/" else ""
        if self._valid(offered):
            await self.app(scope, receive, send)
        elif from_query and self._valid(from_query):  # the page's first visit: keep it as a cookie
            async def send_with_cookie(message: dict) -> None:
                if message["type"] == "http.response.start":
                    cookie = f"{TOKEN_COOKIE}={from_query}; HttpOnly; SameSite=Strict; Path=/"
                    message.setdefault("headers", []).append((b"set-cookie", cookie.encode("latin-1")))
                await send(message)

            await self.app(scope, receive, send_with_cookie)
        else:
            response = _error(401, "a bearer token is required: Authorization: Bearer TOKEN")
            response.headers["www-authenticate"] = "Bearer"
            await response(scope, receive, send)

    def _valid(self, offered: str) -> bool:
        return bool(offered) and hmac.compare_digest(offered.encode("utf-8", "replace"), self.token)


def _bearer(header: str) -> str:
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


# -- request bodies -----------------------------------------------------------------------------


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 once it passes ``limit`` bytes (announced or not)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise HTTPException(400, "Content-Length is not a number")
        if int(declared) > limit:
            raise HTTPException(413, f"the body is {int(declared):,} bytes; the limit is {limit:,}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"the body passes the limit of {limit:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _require_json(request: Request) -> None:
    if _media_type(request) != "application/json":
        raise HTTPException(415, "send the body as Content-Type: application/json")


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise HTTPException(400, f"the body is not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise HTTPException(400, f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except (RecursionError, ValueError) as exc:
        raise HTTPException(400, f"unreadable JSON: {type(exc).__name__}") from None
    if not isinstance(value, dict):
        raise HTTPException(400, f"the body must be a JSON object, not {type(value).__name__}")
    return value


_DOCUMENT_KEYS = {"text", "id", "published_at", "source", "rules"}


def _document(body: dict[str, Any]) -> tuple[str, Any, Any]:
    unknown = sorted(set(body) - _DOCUMENT_KEYS)
    if unknown:
        raise HTTPException(400, f"unknown field {unknown[0]!r}; a document has {sorted(_DOCUMENT_KEYS)}")
    text = body.get("text")
    if not isinstance(text, str):
        raise HTTPException(400, "'text' is required and must be a string")
    doc_id = body.get("id")
    if isinstance(doc_id, bool) or (doc_id is not None and not isinstance(doc_id, (str, int))):
        raise HTTPException(400, "'id' must be a string or an integer")
    published_at = body.get("published_at")
    if published_at is not None and not isinstance(published_at, str):
        raise HTTPException(400, "'published_at' must be an ISO 8601 string")
    return text, doc_id, published_at


# -- endpoints ----------------------------------------------------------------------------------


class _Api:
    def __init__(self, engine: ReloadingEngine, root: Path, settings: Settings, editable: bool):
        self.engine = engine
        self.root = root
        self.settings = settings
        self.editable = editable

    async def index(self, request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    async def healthz(self, request: Request) -> Response:
        return JSONResponse({"status": "ok", "ruleset": self.engine.ruleset_hash})

    async def openapi(self, request: Request) -> Response:
        return JSONResponse(openapi_schema())

    async def docs(self, request: Request) -> Response:
        return HTMLResponse(DOCS_PAGE)

    async def evaluate(self, request: Request) -> Response:
        """One JSON document → its report; a JSONL body → one result or error line per input line."""
        if _media_type(request) == NDJSON:
            raw = await _body(request, self.settings.max_batch_bytes)
            engine = self.engine.engine  # one rule set for the whole batch
            lines = _lines(engine, raw)
            return StreamingResponse(iterate_in_threadpool(lines), media_type=NDJSON)
        _require_json(request)
        text, doc_id, published_at = _document(_json_object(await _body(request, self.settings.max_document_bytes)))
        report = await run_in_threadpool(attempt, self.engine.engine, text, doc_id, published_at)
        if isinstance(report, DocumentFailure):
            return _error(422, report.error, id=report.id)
        return Response(report.to_json(), media_type="application/json")

    async def explain(self, request: Request) -> Response:
        """One JSON document → the report with the trace: terms, facts, near misses, every rule's why."""
        _require_json(request)
        body = _json_object(await _body(request, self.settings.max_document_bytes))
        text, doc_id, published_at = _document(body)
        wanted = body.get("rules")
        if wanted is not None and (not isinstance(wanted, list) or not all(isinstance(r, str) for r in wanted)):
            raise HTTPException(400, "'rules' must be a list of rule ids")
        engine = self.engine.engine
        if wanted:
            known = {r.id for r in engine.ruleset.rules}
            unknown = [r for r in wanted if r not in known]
            if unknown:
                raise HTTPException(400, f"no rule {unknown[0]!r}")

        def run() -> dict[str, Any]:
            return trace_dict(engine.trace(text, doc_id=doc_id, published_at=published_at), engine, wanted or None)

        try:
            data = await run_in_threadpool(run)
        except (InputError, TypeError, ValueError) as exc:  # a document the engine refuses (time, size, budget)
            return _error(422, str(exc), id=doc_id)
        return Response(json.dumps(data, ensure_ascii=False), media_type="application/json")

    async def rules(self, request: Request) -> Response:
        engine = self.engine.engine
        ruleset = engine.ruleset
        rules = []
        for rule in ruleset.rules:
            where = ruleset.rule_where.get(rule.id)
            rules.append({
                "id": rule.id, "description": rule.description, "basis": rule.basis, "status": rule.status,
                "assets": sorted({view.asset for view in rule.then}),
                "path": self._relative(where.path) if where else None, "line": where.line if where else None,
            })
        last = self.engine.last
        return JSONResponse({
            "ruleset": engine.ruleset_hash, "assets": engine.assets, "rules": rules,
            "editable": self.editable,
            "reload": {"ok": last.ok, "problems": [self._problem(p) for p in last.problems]},
        })

    async def files(self, request: Request) -> Response:
        names = [f.resolve().relative_to(self.root).as_posix() for f in rule_files(self.root)
                 if f.resolve().is_relative_to(self.root)]
        return JSONResponse({"files": names, "editable": self.editable})

    async def read_file(self, request: Request) -> Response:
        path = self._rule_path(request.path_params["name"], must_exist=True)
        try:
            content = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise HTTPException(422, f"the file is not UTF-8 (byte {exc.start})") from None
        return JSONResponse({"name": path.relative_to(self.root).as_posix(), "content": content})

    async def save_file(self, request: Request) -> Response:
        """Write a rule file (atomically), reload the folder and lint it: the problems come back."""
        if not self.editable:
            raise HTTPException(403, "the bundled rule pack is read-only here: start with --rules DIR to edit")
        _require_json(request)
        path = self._rule_path(request.path_params["name"], must_exist=False)
        body = _json_object(await _body(request, self.settings.max_rule_file_bytes + 4096))
        content = body.get("content")
        if not isinstance(content, str):
            raise HTTPException(400, "'content' is required and must be a string")
        data = content.encode("utf-8", "surrogatepass")
        if len(data) > self.settings.max_rule_file_bytes:
            raise HTTPException(413, f"a rule file is limited to {self.settings.max_rule_file_bytes:,} bytes")
        await run_in_threadpool(_atomic_write, path, data)
        # the save is whole (written beside and renamed), so no half-written-file guard applies:
        # a set that drops rules or empties the file is what the author saved; errors still refuse it
        result = await run_in_threadpool(lambda: self.engine.reload(force=True))
        return JSONResponse({
            "saved": path.relative_to(self.root).as_posix(),
            "reload": {"ok": result.ok, "changed": result.changed, "ruleset": result.ruleset,
                       "message": str(result)},
            "problems": [self._problem(p) for p in result.problems],
        })

    async def samples(self, request: Request) -> Response:
        return JSONResponse({"samples": sample_names()})

    async def sample(self, request: Request) -> Response:
        text = sample_text(request.path_params["name"])
        if text is None:
            raise HTTPException(404, "no such sample")
        return JSONResponse({"name": request.path_params["name"], "text": text})

    # -- helpers ---------------------------------------------------------------------------------

    def _rule_path(self, name: str, must_exist: bool) -> Path:
        """A rule file inside the folder, or 400/403/404: no way out by .., symlinks or odd names."""
        if not name or "\x00" in name or "\\" in name or name.startswith("/"):
            raise HTTPException(400, "a rule file name is a relative path inside the rule folder")
        parts = name.split("/")
        if any(p in ("", ".", "..") or p.startswith(".") for p in parts):
            raise HTTPException(403, "only files inside the rule folder can be read or written")
        if not name.endswith(RULE_SUFFIXES):
            raise HTTPException(403, "only .yaml rule files can be read or written")
        path = self.root.joinpath(*parts)
        current = self.root
        for part in parts:  # no component may be a symlink: it could point anywhere
            current = current / part
            if current.is_symlink():
                raise HTTPException(403, "symlinks in the rule folder are not followed here")
        if not path.resolve().is_relative_to(self.root):
            raise HTTPException(403, "only files inside the rule folder can be read or written")
        if path.exists() and not path.is_file():
            raise HTTPException(403, "not a regular file")
        if must_exist and not path.exists():
            raise HTTPException(404, "no such rule file")
        if not must_exist and not path.parent.is_dir():
            raise HTTPException(404, "no such folder in the rule folder")
        return path

    def _relative(self, path: str) -> str:
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return Path(path).name

    def _problem(self, problem: Any) -> dict[str, Any]:
        data = problem.to_dict()
        data["path"] = self._relative(data["path"])
        return data


def _lines(engine: Any, raw: bytes) -> Iterator[bytes]:
    """The batch's result lines, in input order, one per input line (blank lines too)."""
    for _, line in evaluated_lines(engine, read_jsonl(raw.splitlines())):
        yield line


def _atomic_write(path: Path, data: bytes) -> None:
    """Write beside the target and rename over it: a reader sees the old file or the new, never half."""
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".saving", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
