"""The rule language: pydantic models of one rule file, strict, unknown keys refused.

A rule file may hold any of six sections; a rule folder is the union of its files:

* ``assets``     - canonical asset ids with their names in each language;
* ``lexicons``   - shared term lists: the modifier lexicons (negation, hedge, ...) and any
                   list that events reference as ``@name``;
* ``events``     - what happened in a sentence (trigger terms plus conditions);
* ``rules``      - impact rules: one or several events -> views on assets, with examples;
* ``economies``  - the economies economic releases belong to, with their names (美国, US);
* ``indicators`` - the catalogue of economic releases (non-farm payrolls, CPI, ...): what a print
                   above or below consensus means for each asset (read by impact.pipeline.releases);
* ``disable``    - rule ids of an earlier rule folder of the stack to turn off (layered packs).

Rule folders stack (``Engine.from_path(["bundled", "my_rules/"])``, ``--rules bundled --rules
my_rules/``): a later folder adds assets, lexicons, events and rules; an item whose id an earlier
folder defines replaces it only with ``override: true`` (else E301), and ``disable`` turns rules
off. An example checks the assets of its own rule's pack (see :class:`Example`).

``impact rules schema`` prints the JSON Schema generated from these models.
"""

from __future__ import annotations

from typing import Annotated, Any, Iterable, Iterator, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator, model_validator

from impact.ruleset.modifiers import LEXICONS

Direction = Literal["bullish", "bearish", "neutral"]
Basis = Literal["explicit", "inferred", "reported"]
Horizon = Literal["intraday", "short", "medium", "long"]
Status = Literal["active", "experimental", "deprecated", "disabled"]

# The modifier lexicons the evaluator knows (impact.ruleset.modifiers). Their names are reserved in ``lexicons``.
MODIFIERS = LEXICONS

ID_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"

# An asset, lexicon or event id: a key of its section, each refused at its own line.
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]

# What Terms refuses as a term, for the JSON Schema: blank, or nothing but '*' or '@'.
_NOT_A_TERM = r"^\s*[*@]?\s*$"
Term = Annotated[str, Field(json_schema_extra={"not": {"pattern": _NOT_A_TERM}})]


def _section(description: str) -> Any:
    """A section of ids: the JSON Schema names the pattern every key must match, as the loader does."""
    return Field(default_factory=dict, description=description, json_schema_extra={"propertyNames": {"pattern": ID_PATTERN}})


def _whole_number(value: Any) -> Any:
    # JSON Schema cannot tell 1.0 from 1 (both are integers there); the loader reads them alike too
    return int(value) if isinstance(value, float) and value.is_integer() else value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Terms(_Strict):
    """Literal terms per language. Matching is case-insensitive after NFKC normalisation.

    English terms match whole words; a trailing ``*`` also matches any word ending
    (``sanction*`` matches sanctions, sanctioned). ``@name`` inserts the terms of lexicon
    ``name`` for the same language.
    """

    zh: list[Term] = Field(default_factory=list, description="Chinese terms")
    en: list[Term] = Field(default_factory=list, description="English terms")

    @field_validator("zh", "en")
    @classmethod
    def _non_empty_terms(cls, terms: list[str]) -> list[str]:
        for term in terms:
            if not term.strip() or term.strip() in ("*", "@"):
                raise ValueError(f"empty term {term!r}")
        return terms

    def is_empty(self) -> bool:
        return not (self.zh or self.en)


class Asset(_Strict):
    """An asset and the names it goes by."""

    description: str = ""
    names: Terms = Field(description="aliases that mention the asset (黄金, 金价, gold, XAU, ...)")
    not_within: Terms = Field(
        default_factory=Terms,
        description="longer terms inside which an alias is not a mention (亿美元, 美元/盎司, gold medal)",
    )
    not_regex: list[str] = Field(
        default_factory=list,
        description="regexes (RE2 syntax) whose match around an alias makes it no mention, e.g. '[0-9]美元'",
    )
    override: bool = Field(
        False, description="replace the item of the same id that an earlier rule folder of the stack defines "
        "(impact --rules bundled --rules mine/); without it a second definition is an error (E301)"
    )


class Lexicon(_Strict):
    """A shared term list. Modifier lexicons also say where, relative to the trigger, they count."""

    description: str = ""
    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)
    scope: Literal["clause", "sentence"] = Field(
        "clause", description="modifier lexicons: the span around the trigger searched for a term"
    )
    position: Literal["before", "after", "any"] = Field(
        "any", description="modifier lexicons: where the term must stand relative to the trigger"
    )
    max_distance: int | None = Field(
        None, ge=0, description="modifier lexicons: at most this many characters between term and trigger"
    )
    max_clauses: int | None = Field(
        None, ge=0, description="modifier lexicons: at most this many clauses between term and trigger (如果 reaches 1)"
    )
    override: bool = Field(
        False, description="replace the item of the same id that an earlier rule folder of the stack defines "
        "(impact --rules bundled --rules mine/); without it a second definition is an error (E301)"
    )


class Event(_Strict):
    """What happened, found in one sentence.

    A trigger term from ``terms`` must occur; every group in ``all`` must have a term in the
    same scope (and within ``window`` characters of the trigger if set); no term of ``none``
    may occur in that scope; every regex in ``regex`` must match the sentence.
    """

    description: str
    kind: Literal["driver", "view", "report"] = Field(
        "driver", description="driver: a cause; view: an analyst's stated view; report: a reported price move"
    )
    terms: Terms = Field(
        description="trigger terms: any of them starts a candidate",
        json_schema_extra={"anyOf": [{"required": [lang], "properties": {lang: {"minItems": 1}}} for lang in ("zh", "en")]},
    )
    all: list[Terms] = Field(default_factory=list, description="further term groups that must all occur")
    none: Terms = Field(default_factory=Terms, description="terms that veto the event in its scope")
    regex: list[str] = Field(default_factory=list, description="RE2 regexes that must also match the sentence")
    scope: Literal["clause", "sentence"] = "sentence"
    window: int | None = Field(None, ge=1, description="max characters between the trigger and each `all` term")
    subject: Literal["none", "required"] = Field(
        "none", description="required: the event is about an asset named near the trigger (its subject)"
    )
    assets: list[str] = Field(default_factory=list, description="with subject: only these assets may be the subject")
    subject_side: Literal["any", "before", "after"] = Field(
        "any", description="where the subject stands: before the trigger (金价承压) or after it (提振金价, weighs on gold)"
    )
    ignore: list[Literal["negation", "hedge", "reversal", "conditional", "future", "past"]] = Field(
        default_factory=list,
        description="modifier lexicons that do not apply (a lifted sanction is not a 'reversed' event)",
    )
    override: bool = Field(
        False, description="replace the item of the same id that an earlier rule folder of the stack defines "
        "(impact --rules bundled --rules mine/); without it a second definition is an error (E301)"
    )

    @model_validator(mode="after")
    def _triggers(self) -> "Event":
        if self.terms.is_empty():
            raise ValueError("an event needs at least one trigger term in `terms`")
        return self


class EventRef(_Strict):
    """An event in a rule's condition, with the modifiers it must (not) carry."""

    event: str
    negated: bool = False
    reversed: bool = False
    conditional: bool = False


class When(_Strict):
    """`all`: every listed event occurs in the document; `any`: at least one does."""

    model_config = ConfigDict(json_schema_extra={
        "oneOf": [{"required": [mode], "properties": {mode: {"minItems": 1}}} for mode in ("all", "any")]
    })

    all: list[str | EventRef] = Field(default_factory=list)
    any: list[str | EventRef] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_of(self) -> "When":
        if bool(self.all) == bool(self.any):
            raise ValueError("`when` needs exactly one of `all` or `any`, non-empty")
        return self

    def refs(self) -> list[EventRef]:
        return [EventRef(event=r) if isinstance(r, str) else r for r in (self.all or self.any)]

    @property
    def mode(self) -> Literal["all", "any"]:
        return "all" if self.all else "any"


class View(_Strict):
    """A view the rule asserts when it fires."""

    asset: str = Field(
        description="an asset id, '{subject}' (the asset the event is about) or '{others}' "
        "(assets named in the sentence, less `exclude`)"
    )
    direction: Direction
    strength: float = Field(0.5, ge=0.0, le=1.0)
    horizon: Horizon = "short"
    exclude: list[str] = Field(default_factory=list, description="with '{others}': assets never targeted")
    fallback: list[str] = Field(default_factory=list, description="with '{others}': targets when none is named (less any the sentence names "
                    "only in a not_within or not_regex sense, e.g. gold-mining stocks)")


class Example(_Strict):
    """A text and the views this rule must produce on it ({} = the rule must not fire).

    ``expect`` is checked on the assets of the rule's own pack: those declared by the rule folder
    that defines the rule and the folders beneath it in the stack. A view on an asset that a later
    folder adds (``--rules bundled --rules mine/`` with ``silver`` in mine/) is not checked, so a
    user's assets never break a bundled example; ``exhaustive: true`` checks every asset of the
    stack.
    """

    text: str
    expect: dict[str, Direction] = Field(
        default_factory=dict,
        description="asset -> direction the rule must give; any other asset of the rule's own pack must get no view",
    )
    exhaustive: bool = Field(
        False, description="also no view on assets that later rule folders of the stack add (default: not checked)"
    )
    note: str = ""


class Rule(_Strict):
    id: str = Field(pattern=ID_PATTERN, description="dotted lower-case id, unique in the rule set")
    version: Annotated[int, BeforeValidator(_whole_number)] = Field(1, ge=1)
    status: Status = "active"
    description: str
    references: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    basis: Basis = Field("inferred", description="explicit analyst view, inferred from a driver, or reported move")
    when: When
    then: list[View] = Field(min_length=1)
    rationale: str = Field(description="why the event moves the asset, in one or two sentences")
    explain: str = Field(
        description="explanation template; fields: {asset} {direction} {trigger} {event} {events}"
    )
    examples: list[Example] = Field(default_factory=list)
    override: bool = Field(
        False, description="replace the rule of the same id that an earlier rule folder of the stack defines "
        "(impact --rules bundled --rules mine/); without it a second definition is an error (E301)"
    )


# -- economic releases (impact.pipeline.releases reads them) ------------------------------------

HigherMeans = Literal[
    "stronger_growth", "weaker_growth", "stronger_labour", "looser_labour",
    "hotter_inflation", "cooler_inflation", "tighter_policy", "looser_policy", "more_credit",
]
RELEASE_EXPLAIN_FIELDS = (
    "asset", "direction", "indicator", "name", "reading", "meaning",
    "actual", "consensus", "previous", "surprise", "unit", "size",
)
DEFAULT_RELEASE_EXPLAIN = "{reading}: {meaning} → {asset} {direction}"


class Economy(_Strict):
    """An economy releases belong to, and the names that say a release is its own (美国, US).

    An economy named just before an indicator's alias decides whose release it is; an economy
    without indicators (英国, Japan) makes the release no one's in the catalogue.
    """

    description: str = ""
    names: Terms = Field(description="names of the economy as they stand before a release (美国, US, U.S.)")


class ReleaseView(_Strict):
    """The view one side of a surprise gives on an asset."""

    asset: str = Field(description="an asset id")
    direction: Literal["bullish", "bearish"]
    strength: float = Field(
        0.6, ge=0.0, le=1.0,
        description="the strength of a large surprise (the cap); a smaller one, or words without numbers, weigh less",
    )
    horizon: Horizon = "short"


class Indicator(_Strict):
    """An economic release: how it is named, its unit, and what a surprise against consensus means.

    The market moves on the surprise (actual - consensus), not on the level: the surprise is
    divided by ``typical_surprise`` (in ``unit``), so that 0.1 pp of CPI and 50,000 jobs are
    comparable; a print in line with consensus gives no view.
    """

    description: str
    name: str = Field("", description="display name in explanations (US nonfarm payrolls); default: the id")
    economy: Id = Field(description="the economy the release belongs to (a key of `economies`)")
    aliases: Terms = Field(
        default_factory=Terms,
        description="names of the release of its own (非农就业人口, nonfarm payrolls, ISM): they name it even with "
        "no economy named; the longest alias found wins",
    )
    generic: Terms = Field(
        default_factory=Terms,
        description="names other economies' releases share (CPI年率, unemployment rate, exports): they name this "
        "release only with its economy named next to them (美国CPI年率, China's exports)",
    )
    unit: str = Field(
        "", description="the unit as printed in releases ('%', '万人', 'K', '' for an index): "
        "typical_surprise is in it, and a number printed without unit in a Chinese release is read in it",
    )
    typical_surprise: float = Field(gt=0, allow_inf_nan=False, description="a typical |actual - consensus|, in `unit`")
    higher_means: HigherMeans = Field(description="what a print above consensus says about the economy")
    upside: list[ReleaseView] = Field(default_factory=list, description="views when the print is above consensus")
    downside: list[ReleaseView] = Field(default_factory=list, description="views when the print is below consensus")
    rationale: str = Field(description="why each side of the surprise moves the assets, in economics, not fitted to prices")
    explain: str = Field(DEFAULT_RELEASE_EXPLAIN, description="explanation template; fields: " + " ".join(
        "{" + f + "}" for f in RELEASE_EXPLAIN_FIELDS))
    status: Status = "active"
    version: Annotated[int, BeforeValidator(_whole_number)] = Field(1, ge=1)
    examples: list[Example] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_aliases(self) -> "Indicator":
        if self.aliases.is_empty() and self.generic.is_empty():
            raise ValueError("an indicator needs at least one name in `aliases` or `generic`")
        return self

    def rule_id(self, key: str) -> str:
        """The id its evidence cites: ``release.<indicator id>``."""
        return f"release.{key}"


class RuleFile(_Strict):
    """One YAML file of a rule folder."""

    assets: dict[Id, Asset] = _section("asset id -> the asset's names")
    lexicons: dict[Id, Lexicon] = _section("lexicon id -> its terms")
    events: dict[Id, Event] = _section("event id -> what happened and how it reads")
    rules: list[Rule] = Field(default_factory=list)
    economies: dict[Id, Economy] = _section("economy id -> its names (releases)")
    indicators: dict[Id, Indicator] = _section("indicator id -> an economic release and what its surprise means")
    disable: list[str] = Field(
        default_factory=list,
        description="ids of rules (or release.<indicator>) that an earlier rule folder of the stack defines, "
        "turned off in this stack (status: disabled)",
    )


EXPLAIN_FIELDS = ("asset", "direction", "trigger", "event", "events")


def json_schema() -> dict:
    """The JSON Schema of a rule file, as ``impact rules schema`` prints it and editors read it.

    ``impact/rules.schema.json`` is this, generated (a test keeps it in sync); rule files point
    their editor at it with ``# yaml-language-server: $schema=<path to rules.schema.json>``.
    """
    doc = RuleFile.model_json_schema()
    doc["title"] = "asset-impact rule file"
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **doc}


def expand_terms(lexicons: dict[str, Lexicon], terms: Iterable[str], lang: str, _open: tuple[str, ...] = ()) -> Iterator[str]:
    """Terms with ``@name`` references replaced by that lexicon's terms, recursively.

    A lexicon may reference other lexicons; a reference to an unknown lexicon or one that closes
    a cycle yields nothing here (lint reports both: E303, E309). Each lexicon is expanded once
    per call and a term it reaches twice is given once (lexicons referencing the one before
    twice, 22 deep, made four million copies of two terms).
    """
    memo: dict[str, list[str]] = {}
    for term in terms:
        if not term.startswith("@"):
            yield term
            continue
        yield from _expand_lexicon(lexicons, term[1:], lang, _open, memo)[0]


def _expand_lexicon(
    lexicons: dict[str, Lexicon], name: str, lang: str, open_: tuple[str, ...], memo: dict[str, list[str]]
) -> tuple[list[str], bool]:
    """The terms of lexicon ``name`` (references expanded, each term once, in order) and whether
    a cycle was cut beneath it (then the result depends on the path and is not memoised)."""
    lexicon = lexicons.get(name)
    if lexicon is None:
        return [], False
    if name in open_:
        return [], True
    known = memo.get(name)
    if known is not None:
        return known, False
    out: dict[str, None] = {}
    cut = False
    for term in getattr(lexicon, lang):
        if not term.startswith("@"):
            out[term] = None
            continue
        found, below = _expand_lexicon(lexicons, term[1:], lang, open_ + (name,), memo)
        cut = cut or below
        out.update(dict.fromkeys(found))
    terms = list(out)
    if not cut:
        memo[name] = terms
    return terms, cut
