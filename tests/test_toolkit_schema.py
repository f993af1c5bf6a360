"""`impact rules schema` and the shipped impact/rules.schema.json that rule files point editors at."""

import json
import re
import subprocess
import sys

import jsonschema
import pytest
import yaml

from conftest import ROOT, RULES

SHIPPED = ROOT / "impact" / "rules.schema.json"


def schema_out() -> dict:
    out = subprocess.run([sys.executable, "-m", "impact.cli", "rules", "schema"], capture_output=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_the_shipped_schema_is_what_the_command_prints():
    assert json.loads(SHIPPED.read_text(encoding="utf-8")) == schema_out(), (
        "impact/rules.schema.json is stale: run  impact rules schema -o impact/rules.schema.json"
    )


@pytest.mark.parametrize("path", sorted(RULES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_bundled_rule_file_validates(path):
    schema = json.loads(SHIPPED.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def test_schema_references_in_rule_files_point_at_the_shipped_schema():
    refs = []
    for path in RULES.glob("*.yaml"):
        for match in re.finditer(r"#\s*yaml-language-server:\s*\$schema=(\S+)", path.read_text(encoding="utf-8")):
            refs.append((path, match.group(1)))
    assert refs, "at least one bundled file carries the editor reference"
    for path, ref in refs:
        assert (path.parent / ref).resolve() == SHIPPED.resolve(), f"{path.name}: {ref}"


def test_the_schema_flags_what_an_editor_should_underline():
    validator = jsonschema.Draft202012Validator(json.loads(SHIPPED.read_text(encoding="utf-8")))
    rule = {"id": "x.y", "description": "d", "when": {"all": ["e"]}, "rationale": "r", "explain": "e",
            "then": [{"asset": "gold", "diretion": "bullish"}]}
    messages = [e.message for e in validator.iter_errors({"rules": [rule]})]
    assert any("'diretion' was unexpected" in m for m in messages)
    assert any("'direction' is a required property" in m for m in messages)
    assert not list(validator.iter_errors({"lexicons": {"negation": {"en": ["not", "no"]}}}))
    assert list(validator.iter_errors({"lexicons": {"negation": {"en": ["not", False]}}}))  # unquoted NO
