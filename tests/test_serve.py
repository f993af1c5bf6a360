"""`impact serve`: the HTTP API through the ASGI test client, and one real server on loopback."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from impact import Engine  # noqa: E402
from impact.serve import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SYRIA = (ROOT / "fixtures" / "articles" / "syria-sanctions-zh.txt").read_text(encoding="utf-8")
EASING_VIEW = "    then: [{asset: gold, direction: bearish, strength: 0.5}]"


@pytest.fixture(scope="module")
def bundled():
    with TestClient(create_app(None, reload_interval=None)) as client:
        yield client


@pytest.fixture
def folder(tmp_path):
    """A copy of the bundled pack the editor may write to."""
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target)
    return target


@pytest.fixture
def editable(folder):
    with TestClient(create_app(folder, reload_interval=None)) as client:
        yield client


def ndjson(client, body: bytes):
    return client.post("/v1/evaluate", content=body, headers={"content-type": "application/x-ndjson"})


# -- reading ------------------------------------------------------------------------------------


def test_evaluate_one_document_gives_the_contract_report(bundled):
    response = bundled.post("/v1/evaluate", json={"text": SYRIA, "id": "syria", "published_at": "2025-07-01T03:31:00Z"})
    assert response.status_code == 200
    report = response.json()
    assert report["schema"] == "impact.report/1"
    assert report["document"]["id"] == "syria" and report["document"]["language"] == "zh"
    gold = next(s for s in report["signals"] if s["asset"] == "gold")
    assert gold["direction"] == "bearish" and -1 <= gold["score"] < 0
    for ev in gold["evidence"]:
        assert SYRIA[ev["start"]:ev["end"]] == ev["sentence"]
    assert report == json.loads(Engine.from_path().evaluate(SYRIA, doc_id="syria",
                                                           published_at="2025-07-01T03:31:00Z").to_json())


def test_a_batch_gives_one_line_per_input_line_in_order(bundled):
    body = ('{"id": "a", "text": "美元走弱提振金价。"}\n'
            "not json\n"
            "\n"
            '{"id": "b"}\n'
            '{"id": "c", "text": "Gold fell as the dollar strengthened."}\n').encode("utf-8") + b'{"id": "d", "text": "\xff"}\n'
    response = ndjson(bundled, body)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert len(lines) == 6
    assert lines[0]["id"] == "a" and lines[0]["signals"][0]["asset"] == "gold"
    assert "error" in lines[1] and "malformed JSON" in lines[1]["error"]
    assert lines[2]["error"] == "empty line"
    assert lines[3]["id"] == "b" and "error" in lines[3]
    assert lines[4]["id"] == "c" and {s["asset"] for s in lines[4]["signals"]} >= {"gold"}
    assert "invalid UTF-8" in lines[5]["error"]


def test_explain_gives_the_trace_and_every_named_rules_why(bundled):
    response = bundled.post("/v1/explain", json={"text": SYRIA, "rules": ["central_bank.tightening.usd"]})
    assert response.status_code == 200
    trace = response.json()
    assert trace["report"]["schema"] == "impact.report/1"
    assert [r["rule"] for r in trace["rules"]] == ["central_bank.tightening.usd"]
    assert trace["rules"][0]["fired"] is False and trace["rules"][0]["why"].startswith("not fired")
    assert bundled.post("/v1/explain", json={"text": "x", "rules": ["no.such.rule"]}).status_code == 400


def test_rules_samples_health_and_docs(bundled):
    rules = bundled.get("/v1/rules").json()
    assert rules["ruleset"] == Engine.from_path().ruleset_hash
    assert "gold" in rules["assets"] and rules["editable"] is False
    easing = next(r for r in rules["rules"] if r["id"] == "geopolitics.easing.gold")
    assert easing["path"] == "geopolitics.yaml" and easing["line"] > 1 and easing["assets"] == ["gold"]
    assert bundled.get("/healthz").json() == {"status": "ok", "ruleset": rules["ruleset"]}
    assert "syria-sanctions-zh.txt" in bundled.get("/v1/samples").json()["samples"]
    assert bundled.get("/v1/samples/syria-sanctions-zh.txt").json()["text"] == SYRIA
    assert bundled.get("/v1/samples/..%2F..%2Fpyproject.toml").status_code == 404
    spec = bundled.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.") and {"/v1/evaluate", "/v1/explain", "/v1/rules", "/healthz"} <= set(spec["paths"])
    assert "openapi.json" in bundled.get("/docs").text
    page = bundled.get("/")
    assert page.status_code == 200 and "playground.js" in page.text
    for asset in ("/", "/static/playground.js", "/static/playground.css", "/docs"):  # nothing from elsewhere
        assert "http://" not in bundled.get(asset).text and "https://" not in bundled.get(asset).text


# -- bad input: clear 4xx, never a traceback -----------------------------------------------------


@pytest.mark.parametrize("body, content_type, status, words", [
    (b"{bad", "application/json", 400, "malformed JSON"),
    (b"[1, 2]", "application/json", 400, "must be a JSON object"),
    (b'{"text": 5}', "application/json", 400, "'text' is required"),
    (b'{"text": "x", "lang": "en"}', "application/json", 400, "unknown field 'lang'"),
    (b'{"text": "x", "id": [1]}', "application/json", 400, "'id' must be"),
    (b'{"text": "\xff"}', "application/json", 400, "not UTF-8"),
    (b'{"text": "x"}', "text/plain", 415, "application/json"),
    (b"[" * 100_000 + b"]" * 100_000, "application/json", 400, "JSON"),
])
def test_bad_requests_get_a_clear_error(bundled, body, content_type, status, words):
    response = bundled.post("/v1/evaluate", content=body, headers={"content-type": content_type})
    assert response.status_code == status
    assert words in response.json()["error"]
    assert "Traceback" not in response.text


def test_oversize_bodies_are_refused_announced_or_not():
    with TestClient(create_app(None, reload_interval=None, max_document_bytes=1000, max_batch_bytes=2000)) as client:
        big = json.dumps({"text": "黄金" * 1000}).encode()
        assert client.post("/v1/evaluate", content=big, headers={"content-type": "application/json"}).status_code == 413

        def chunks():  # no Content-Length: the limit still holds while reading
            for _ in range(10):
                yield b'{"text": "' + b"a" * 300

        response = client.post("/v1/evaluate", content=chunks(), headers={"content-type": "application/json"})
        assert response.status_code == 413 and "limit" in response.json()["error"]
        assert ndjson(client, b'{"id": 1, "text": "x"}\n' * 200).status_code == 413


@pytest.mark.parametrize("endpoint", ["/v1/evaluate", "/v1/explain"])
def test_a_document_the_engine_refuses_is_a_422_not_a_crash(bundled, endpoint):
    response = bundled.post(endpoint, json={"text": "Gold rose.", "published_at": "not a time"})
    assert response.status_code == 422 and "not a time" in response.json()["error"]
    dense = "美元走弱提振金价。" * 20_000  # 60,000 event facts: past the per-document work budget
    response = bundled.post(endpoint, json={"text": dense})
    assert response.status_code == 422 and response.json()["error"]


def test_an_unexpected_failure_is_a_500_without_a_traceback(monkeypatch, folder):
    with TestClient(create_app(folder, reload_interval=None), raise_server_exceptions=False) as client:
        monkeypatch.setattr(type(client.app.state.engine), "ruleset_hash",
                            property(lambda self: (_ for _ in ()).throw(RuntimeError("secret path /etc"))))
        response = client.get("/healthz")
        assert response.status_code == 500
        assert response.json() == {"error": "internal error: RuntimeError"}


# -- the rule editor ----------------------------------------------------------------------------


@pytest.mark.parametrize("name, status", [
    ("..%2F..%2Fpyproject.toml", 403),
    ("..%2Fescape.yaml", 403),
    ("%2Fetc%2Fpasswd.yaml", 400),
    (".hidden.yaml", 403),
    ("notes.txt", 403),
    ("sub%5C..%5Cx.yaml", 400),
    ("nosuchdir%2Fx.yaml", 404),
])
def test_the_editor_stays_inside_the_rule_folder(editable, folder, name, status):
    files = sorted(p.relative_to(folder.parent) for p in folder.parent.rglob("*"))
    assert editable.get(f"/v1/files/{name}").status_code == status
    assert editable.put(f"/v1/files/{name}", json={"content": "rules: []\n"}).status_code == status
    assert sorted(p.relative_to(folder.parent) for p in folder.parent.rglob("*")) == files


def test_a_new_rule_file_can_be_created_inside_the_folder(editable, folder):
    assert editable.get("/v1/files/mine.yaml").status_code == 404
    response = editable.put("/v1/files/mine.yaml", json={"content": "rules: []\n"})
    assert response.status_code == 200 and (folder / "mine.yaml").read_text() == "rules: []\n"
    assert "mine.yaml" in editable.get("/v1/files").json()["files"]


def test_a_symlink_out_of_the_folder_is_not_followed(editable, folder, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text("secret: 1\n")
    (folder / "link.yaml").symlink_to(outside)
    assert editable.get("/v1/files/link.yaml").status_code == 403
    response = editable.put("/v1/files/link.yaml", json={"content": "rules: []\n"})
    assert response.status_code == 403 and outside.read_text() == "secret: 1\n"


def test_the_bundled_pack_is_read_only(bundled):
    assert bundled.put("/v1/files/geopolitics.yaml", json={"content": ""}).status_code == 403


def test_saving_a_rule_changes_the_view_and_a_broken_edit_keeps_the_rules(editable, folder):
    before = editable.post("/v1/evaluate", json={"text": SYRIA}).json()
    gold_before = next(s for s in before["signals"] if s["asset"] == "gold")
    assert "geopolitics.yaml" in editable.get("/v1/files").json()["files"]
    content = editable.get("/v1/files/geopolitics.yaml").json()["content"]
    assert EASING_VIEW in content
    edited = content.replace(EASING_VIEW, EASING_VIEW.replace("bearish", "bullish"), 1)
    saved = editable.put("/v1/files/geopolitics.yaml", json={"content": edited}).json()
    assert saved["reload"]["ok"] and saved["reload"]["changed"]
    assert (folder / "geopolitics.yaml").read_text(encoding="utf-8") == edited
    after = editable.post("/v1/evaluate", json={"text": SYRIA}).json()
    gold_after = next((s for s in after["signals"] if s["asset"] == "gold"), None)
    assert gold_before["direction"] == "bearish"
    assert gold_after is None or gold_after["score"] > gold_before["score"]  # the easing votes now oppose
    assert after["ruleset"] == saved["reload"]["ruleset"] != before["ruleset"]

    broken = edited.replace("rules:\n", "rules:\n  - id: [unclosed\n", 1)
    refused = editable.put("/v1/files/geopolitics.yaml", json={"content": broken})
    body = refused.json()
    assert refused.status_code == 200 and body["reload"]["ok"] is False
    errors = [p for p in body["problems"] if p["severity"] == "error"]
    assert errors and errors[0]["path"] == "geopolitics.yaml" and errors[0]["line"] > 1
    assert editable.get("/healthz").json()["ruleset"] == saved["reload"]["ruleset"]  # still the working set


def test_a_save_must_be_json_so_a_cross_site_form_cannot_write(editable, folder):
    before = (folder / "geopolitics.yaml").read_bytes()
    response = editable.put("/v1/files/geopolitics.yaml", content=b"content=x",
                            headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 415 and (folder / "geopolitics.yaml").read_bytes() == before


# -- access -------------------------------------------------------------------------------------


def test_a_token_is_checked_on_every_request():
    with TestClient(create_app(None, reload_interval=None, token="s3cret")) as client:
        for method, path in [("get", "/healthz"), ("get", "/"), ("get", "/v1/rules"), ("get", "/static/playground.js")]:
            response = getattr(client, method)(path)
            assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
        assert client.post("/v1/evaluate", json={"text": "x"}).status_code == 401
        assert client.get("/healthz", headers={"authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/healthz", headers={"authorization": "Bearer s3cret"}).status_code == 200
        page = client.get("/?token=s3cret")  # the page's first visit keeps the token as a cookie
        assert page.status_code == 200 and "HttpOnly" in page.headers["set-cookie"]
        assert client.get("/v1/rules").status_code == 200
        client.cookies.clear()
        assert client.get("/v1/rules?token=s3cret").status_code == 401  # the query opens only the page
        client.cookies.set("impact_token", "wrong")
        assert client.get("/v1/rules").status_code == 401


def test_a_foreign_host_header_is_refused_on_loopback():
    with TestClient(create_app(None, reload_interval=None, allowed_hosts=("localhost", "127.0.0.1")),
                    base_url="http://localhost") as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/healthz", headers={"host": "attacker.example"}).status_code == 400


def test_binding_beyond_loopback_needs_a_token():
    result = subprocess.run([sys.executable, "-m", "impact.cli", "serve", "--host", "0.0.0.0"],
                            capture_output=True, text=True, timeout=120, env={**os.environ, "IMPACT_TOKEN": ""})
    assert result.returncode == 2
    assert "--token" in result.stderr and "Traceback" not in result.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 60.0) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture
def server(folder):
    """``impact serve`` in its own process on a free loopback port, with a copy of the pack."""
    pytest.importorskip("uvicorn")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "impact.cli", "serve", "--rules", str(folder), "--port", str(port),
                             "--reload-interval", "0.2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz")
        yield base, folder
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_real_server_answers_and_follows_edits_on_disk(server):
    import urllib.request

    base, folder = server
    request = urllib.request.Request(base + "/v1/evaluate", data=json.dumps({"text": SYRIA}).encode(),
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        first = json.load(response)
    assert any(s["asset"] == "gold" and s["direction"] == "bearish" for s in first["signals"])
    path = folder / "geopolitics.yaml"
    text = path.read_text(encoding="utf-8")
    tmp = path.with_suffix(".tmp")  # an atomic save, as editors do
    tmp.write_text(text.replace(EASING_VIEW, EASING_VIEW.replace("bearish", "bullish"), 1), encoding="utf-8")
    os.replace(tmp, path)
    deadline = time.monotonic() + 60
    while True:
        with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
            if json.load(response)["ruleset"] != first["ruleset"]:
                break
        assert time.monotonic() < deadline, "the edit on disk was not picked up"
        time.sleep(0.2)


def test_a_stack_serves_the_bundled_pack_and_edits_only_the_top_folder(tmp_path):
    from tests.test_layers import OIL

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "oil.yaml").write_text(OIL, encoding="utf-8")
    with TestClient(create_app(["bundled", mine], reload_interval=None)) as client:
        assert client.get("/v1/files").json() == {"files": ["oil.yaml"], "editable": True}
        assert client.get("/v1/files/geopolitics.yaml").status_code == 404  # a bundled file is not the top's
        rules = client.get("/v1/rules").json()
        assert {"crude_oil", "gold"} <= set(rules["assets"])
        report = client.post("/v1/evaluate", json={"text": "OPEC+ agreed an output cut; gold slipped 1%."}).json()
        assert {s["asset"]: s["direction"] for s in report["signals"]} == {"crude_oil": "bullish", "gold": "bearish"}
        edited = OIL.replace("direction: bullish, strength: 0.6", "direction: bearish, strength: 0.6")
        saved = client.put("/v1/files/oil.yaml", json={"content": edited}).json()
        assert saved["reload"]["ok"] and saved["reload"]["changed"]
        report = client.post("/v1/evaluate", json={"text": "OPEC+ agreed an output cut."}).json()
        assert report["signals"][0]["direction"] == "bearish"
