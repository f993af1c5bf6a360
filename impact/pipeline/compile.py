"""The parts of an engine built once per rule set: the automaton, the conditions, the inference host."""

from __future__ import annotations

from impact.pipeline.facts import FactExtractor
from impact.pipeline.inference import Inference
from impact.pipeline.joins import resolve_backend
from impact.pipeline.matcher import Matcher
from impact.ruleset.collection import RuleSet
from impact.ruleset.schema import Rule


class Compiled:
    """The parts of an engine that are rebuilt, never pickled: automaton, conditions, host."""

    def __init__(self, ruleset: RuleSet, inference: str):
        self.rules: list[Rule] = list(ruleset.active_rules)
        self.event_index = {name: i for i, name in enumerate(ruleset.events)}
        self.matcher = Matcher(ruleset, self.event_index)
        self.extractor = FactExtractor(ruleset, self.event_index, self.matcher)
        self.inference = Inference(self.rules, resolve_backend(inference))  # "auto": impact.pipeline.joins
        self.rationales = [rule.rationale.strip() for rule in self.rules]
        # per rule and view: modifiers -> the vote's weight and its factors, filled as they occur (a few each)
        self.weights: list[list[dict[tuple[str, ...], tuple[float, tuple[tuple[str, float], ...]]]]] = [
            [{} for _ in rule.then] for rule in self.rules
        ]
        # economic releases: the catalogue's indicators stand after the rules, as rules their votes cite
        self.releases = None
        self.release_base = len(self.rules)
        if ruleset.indicators:
            from impact.pipeline.releases import ReleaseReader

            self.releases = ReleaseReader(ruleset)
            stand_ins = self.releases.rules()
            self.rules += stand_ins
            self.rationales += [rule.rationale.strip() for rule in stand_ins]
