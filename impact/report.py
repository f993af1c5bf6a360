"""Reports: what the engine says about one document (pydantic models, JSON schema impact.report/1)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from impact.ruleset.schema import Basis, Direction, Horizon

REPORT_SCHEMA = "impact.report/1"


# the setters of BaseModel's four slots, taken once: a trusted report object is built by four
# direct slot writes (no validation, no per-field default handling)
_new = object.__new__
_SET_DICT = BaseModel.__dict__["__dict__"].__set__
_SET_FIELDS = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_SET_EXTRA = BaseModel.__dict__["__pydantic_extra__"].__set__
_SET_PRIVATE = BaseModel.__dict__["__pydantic_private__"].__set__


def _checked_constructor(cls: type[BaseModel]) -> Any:
    """``cls.from_checked``: a function with every field of ``cls`` as a keyword-only parameter
    (a missing or unknown field is a TypeError, as in a dataclass), writing the four slots. Its own
    names start with an underscore, which no pydantic field can."""
    names = list(cls.model_fields)
    if not names:  # a base without fields of its own (_Cites): pydantic's constructor
        return classmethod(lambda c, **values: c.model_construct(**values))
    values = ", ".join(f"{n!r}: {n}" for n in names)
    source = (
        f"def from_checked(_cls, *, {', '.join(names)}):\n"
        "    _obj = _new(_cls)\n"
        f"    _SET_DICT(_obj, {{{values}}})\n"
        f"    _SET_FIELDS(_obj, {{{', '.join(map(repr, names))}}})\n"
        "    _SET_EXTRA(_obj, None)\n"
        "    _SET_PRIVATE(_obj, None)\n"
        "    return _obj\n"
    )
    scope = {"_new": _new, "_SET_DICT": _SET_DICT, "_SET_FIELDS": _SET_FIELDS, "_SET_EXTRA": _SET_EXTRA,
             "_SET_PRIVATE": _SET_PRIVATE}
    exec(source, scope)  # noqa: S102 (the source is built from the model's own field names)
    built = scope["from_checked"]
    built.__qualname__ = f"{cls.__qualname__}.from_checked"
    built.__module__ = cls.__module__
    built.__doc__ = _Out.from_checked.__doc__
    return classmethod(built)


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.from_checked = _checked_constructor(cls)  # type: ignore[method-assign]

    @classmethod
    def from_checked(cls, **values: Any) -> Any:
        """The engine's constructor for values it has already checked: every field given by name,
        keyword-only (a missing or unknown one is a TypeError). What ``model_construct`` does,
        without its per-field default handling and validation: four slot writes (each model
        class gets its own, made from its fields when the class is defined)."""
        raise TypeError(f"{cls.__name__} is not a concrete report model")


class Span(_Out):
    """A span of the original input: ``text == input[start:end]``."""

    start: int
    end: int
    text: str


class Release(_Out):
    """The numbers of an economic release, in the unit of its actual as printed (7.3 with 万人)."""

    indicator: str
    actual: float | None
    consensus: float | None
    previous: float | None = Field(None, description="null when absent; the revised value when it was revised")
    surprise: float | None = Field(description="actual - consensus")
    unit: str
    revised_from: float | None = Field(None, description="the previous value before its revision, when revised")
    scaled_surprise: float | None = Field(None, description="surprise / the indicator's typical surprise")
    words: str | None = Field(None, description="the comparison stated in words: up, down, good, bad, inline")

    @model_serializer(mode="wrap")
    def _core_and_set_extras(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # the six fields of the contract always; the others only when they say something
        out = handler(self)
        for name in ("revised_from", "scaled_surprise", "words"):
            if out.get(name, 0) is None:
                del out[name]
        return out


class Evidence(_Out):
    """One rule hit behind a signal, with its own direction and the sentence it cites."""

    rule: str
    rule_version: int
    direction: Direction
    sentence: str = Field(description="the cited sentence, exactly input[start:end]")
    start: int
    end: int
    explanation: str
    rationale: str
    basis: Basis
    horizon: Horizon
    weight: float = Field(description="the vote's weight after strength, basis and modifiers")
    counted: bool = Field(True, description="false when a stronger vote of the same sentence and direction counted")
    events: list[str]
    trigger: Span
    modifiers: list[str] = Field(default_factory=list, description="hedged, negated, future, contrast, ...")
    release: Release | None = Field(None, description="evidence read from an economic release: its numbers")

    @model_serializer(mode="wrap")
    def _without_empty_release(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # only evidence read from an economic release carries the field
        out = handler(self)
        if out.get("release", 0) is None:
            del out["release"]
        return out


# votes not cited in evidence, by rule: written only when the cap left some out
EvidenceOmitted = Annotated[dict[str, int] | None, Field(
    description="votes not cited in evidence, by rule (a report cites a bounded number; they still count)")]


class _Cites(_Out):
    """A view with its evidence: ``evidence_omitted`` appears in the JSON only when set."""

    @model_serializer(mode="wrap")
    def _omitted_when_any(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        out = handler(self)
        if out.get("evidence_omitted", 0) is None:
            del out["evidence_omitted"]
        return out


class Signal(_Cites):
    """The net view on one asset, with every piece of evidence, agreeing or not."""

    asset: str
    direction: Direction
    score: float = Field(ge=-1.0, le=1.0)
    votes: dict[str, float] = Field(description="summed counted weights per direction")
    evidence: list[Evidence]
    evidence_omitted: EvidenceOmitted = None


class Undecided(_Cites):
    """An asset with evidence but no call: votes both ways in near balance, a tie, or every vote
    set aside. Not a signal: ``neutral`` is an explicit range-bound view, never "no view"."""

    asset: str
    reason: str = Field(description="why there is no call")
    score: float = Field(ge=-1.0, le=1.0, description="the lean of the votes, for information")
    votes: dict[str, float] = Field(description="summed counted weights per direction")
    evidence: list[Evidence]
    evidence_omitted: EvidenceOmitted = None


class DocumentInfo(_Out):
    id: str | None = None
    language: str
    chars: int
    published_at: str | None = None


class Report(_Out):
    schema_id: str = Field(REPORT_SCHEMA, alias="schema")
    document: DocumentInfo
    signals: list[Signal]
    undecided: list[Undecided] = Field(
        default_factory=list, description="assets with evidence but no call (not signals), each with the reason"
    )
    ruleset: str = Field(description="hash of the rule files the report was produced with")
    truncated: bool = Field(False, description="true when evidence was left out (see evidence_omitted)")
    evidence_omitted: int = Field(0, description="votes not cited in any evidence list; they still count")

    @model_serializer(mode="wrap")
    def _truncation_when_any(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # a report that cites every vote says nothing about truncation
        out = handler(self)
        if not out.get("truncated", True):
            del out["truncated"], out["evidence_omitted"]
        return out

    def with_evidence(self) -> list[Signal | Undecided]:
        """The signals, then the undecided assets: every asset the report cites evidence for."""
        return [*self.signals, *self.undecided]

    def signal(self, asset: str) -> Signal | None:
        for s in self.signals:
            if s.asset == asset:
                return s
        return None

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, mode="json")

    def to_json(self, indent: int | None = None) -> str:
        return self.model_dump_json(by_alias=True, indent=indent)
