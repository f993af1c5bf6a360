"""The API's OpenAPI 3.1 description (served at ``/openapi.json``) and its reading page (``/docs``)."""

from __future__ import annotations

from typing import Any

from impact import __version__

_ERROR = {"description": "the request was refused", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_DOCUMENT_BODY = {
    "required": True,
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Document"}}},
}


def openapi_schema() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "asset-impact",
            "version": __version__,
            "description": "Explained, directional views on gold, the US dollar and base metals from "
                           "financial news. The report is the `impact.report/1` JSON of `impact explain "
                           "--format json`; batch lines are those of `impact evaluate --format jsonl`.",
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Document": {
                    "type": "object",
                    "required": ["text"],
                    "additionalProperties": False,
                    "properties": {
                        "text": {"type": "string", "description": "the document, Chinese or English"},
                        "id": {"type": ["string", "integer"]},
                        "published_at": {"type": "string", "description": "ISO 8601"},
                        "source": {"type": "string"},
                        "rules": {"type": "array", "items": {"type": "string"},
                                  "description": "explain only: list these rules' why, fired or not"},
                    },
                },
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
                "Report": {
                    "type": "object",
                    "required": ["schema", "document", "signals"],
                    "properties": {
                        "schema": {"const": "impact.report/1"},
                        "document": {"type": "object"},
                        "signals": {"type": "array", "items": {"type": "object", "required": [
                            "asset", "direction", "score", "evidence"]}},
                    },
                },
                "Problem": {"type": "object", "properties": {
                    "path": {"type": "string"}, "line": {"type": "integer"}, "col": {"type": "integer"},
                    "code": {"type": "string"}, "message": {"type": "string"}, "severity": {"type": "string"}}},
            },
        },
        "paths": {
            "/v1/evaluate": {"post": {
                "summary": "Evaluate one document, or a JSONL batch",
                "description": "`application/json`: one document, answered with its report. "
                               "`application/x-ndjson`: one document a line, answered with one result or "
                               "error line per input line, in input order, streamed as they are computed.",
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Document"}},
                    "application/x-ndjson": {"schema": {"type": "string"}},
                }},
                "responses": {
                    "200": {"description": "the report (or the batch's lines)", "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Report"}},
                        "application/x-ndjson": {"schema": {"type": "string"}}}},
                    "400": _ERROR, "401": _ERROR, "413": _ERROR, "415": _ERROR, "422": _ERROR,
                },
            }},
            "/v1/explain": {"post": {
                "summary": "Evaluate one document and trace it: terms, facts, near misses, every rule's why",
                "requestBody": _DOCUMENT_BODY,
                "responses": {"200": {"description": "the trace, with the report under `report`"},
                              "400": _ERROR, "401": _ERROR, "413": _ERROR, "415": _ERROR, "422": _ERROR},
            }},
            "/v1/rules": {"get": {
                "summary": "The rule set in use: its hash, assets, rules and the last reload's problems",
                "responses": {"200": {"description": "the rule set"}, "401": _ERROR},
            }},
            "/v1/files": {"get": {
                "summary": "The rule folder's files (the playground's editor)",
                "responses": {"200": {"description": "file names, relative to the rule folder"}, "401": _ERROR},
            }},
            "/v1/files/{name}": {
                "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
                "get": {"summary": "One rule file's text",
                        "responses": {"200": {"description": "name and content"}, "403": _ERROR, "404": _ERROR}},
                "put": {"summary": "Save a rule file, reload the folder, return its problems",
                        "requestBody": {"required": True, "content": {"application/json": {"schema": {
                            "type": "object", "required": ["content"],
                            "properties": {"content": {"type": "string"}}}}}},
                        "responses": {"200": {"description": "saved; the reload's outcome and problems"},
                                      "400": _ERROR, "403": _ERROR, "404": _ERROR, "413": _ERROR, "415": _ERROR}},
            },
            "/v1/samples": {"get": {"summary": "Sample articles to try",
                                    "responses": {"200": {"description": "their names"}}}},
            "/healthz": {"get": {"summary": "Liveness, with the rule set's hash",
                                 "responses": {"200": {"description": "ok"}}}},
        },
        "security": [{"bearer": []}],
    }


DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>asset-impact API</title>
<link rel="stylesheet" href="/static/playground.css"></head>
<body class="docs"><header><h1>asset-impact API</h1>
<nav><a href="/">playground</a> · <a href="/openapi.json">openapi.json</a></nav></header>
<main id="api"></main>
<script>
fetch('/openapi.json').then(r => r.json()).then(spec => {
  const main = document.getElementById('api');
  const p = document.createElement('p'); p.textContent = spec.info.description; main.appendChild(p);
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (method === 'parameters') continue;
      const sec = document.createElement('section');
      const h = document.createElement('h2'); h.textContent = method.toUpperCase() + ' ' + path; sec.appendChild(h);
      const s = document.createElement('p'); s.textContent = op.summary + (op.description ? ': ' + op.description : '');
      sec.appendChild(s);
      const codes = document.createElement('p'); codes.className = 'codes';
      codes.textContent = 'responses: ' + Object.keys(op.responses || {}).join(', '); sec.appendChild(codes);
      main.appendChild(sec);
    }
  }
});
</script></body></html>
"""
