"""The modifiers: what a word near a trigger does to a fact and to its vote. One row each.

A row names the flag a fact or a vote carries (``negated``), the lexicons of the rules whose
terms set it (``negation``; those names are reserved in ``lexicons:``), whether it changes what
the fact asserts (rules ask for it, ``when: {all: [{event: x, negated: true}]}``, and the
inference keys facts on it) and the factor it puts on a vote's weight (None: not weighed).
Contrast rows are positional: the fact follows (+1) or precedes (-1) a contrast marker of its
sentence, or sits in a concession's clause ("虽然", "although": -1).

Everything else is derived from this table: the reserved lexicon names of the schema, the flags
facts carry, the inference's key, the weights of resolve, the factors trace prints and the
asserted-or-not test of the statistics. A new modifier is one row plus its lexicon in the rules.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Modifier:
    name: str  # the flag on a fact and a vote
    lexicons: tuple[str, ...]  # the rule lexicons whose terms set it
    asserts: bool = False  # changes what a fact asserts: rules ask for it
    weight: float | None = None  # factor on a vote's weight; None: not weighed
    position: int = 0  # contrast rows: +1 after the marker, -1 before it (or in a concession's clause)

    @property
    def shown(self) -> str:
        """The factor's name where a person reads it (``after contrast``)."""
        return self.name.replace("-", " ")


MODIFIERS: tuple[Modifier, ...] = (
    Modifier("negated", ("negation",), asserts=True),
    Modifier("hedged", ("hedge",), weight=0.6),
    Modifier("reversed", ("reversal",), asserts=True),
    # a condition (if, 如果), an open question (是否, will gold) or a clause that ends in a question mark
    # (is a rebound coming?): nothing asserted
    Modifier("conditional", ("conditional", "open_question", "question"), asserts=True),
    Modifier("future", ("future",), weight=0.6),
    Modifier("past", ("past",)),  # shown, not weighed
    Modifier("rumoured", ("rumour",), weight=0.5),  # unconfirmed: 据传, "rumoured", "unconfirmed reports"
    Modifier("after-contrast", ("contrast",), weight=1.3, position=+1),
    Modifier("before-contrast", ("contrast", "concession"), weight=0.7, position=-1),
)

# A lexicon whose term in the same reach cancels another's: a why-question presupposes the event
# it asks about ("Why is gold falling?", 金价为何下跌？): the question mark makes nothing conditional.
CANCELLED_BY: dict[str, tuple[str, ...]] = {"question": ("presupposed",), "open_question": ("presupposed",)}

BY_NAME: dict[str, Modifier] = {m.name: m for m in MODIFIERS}
# the lexicon names the evaluator reads (reserved in ``lexicons``), in table order
LEXICONS: tuple[str, ...] = tuple(dict.fromkeys(
    [*(name for m in MODIFIERS for name in m.lexicons), *(c for cs in CANCELLED_BY.values() for c in cs)]))
# the flags a fact carries (contrast is a position, kept apart), and those that change what it asserts
FLAGS: tuple[str, ...] = tuple(m.name for m in MODIFIERS if not m.position)
ASSERTED: tuple[str, ...] = tuple(m.name for m in MODIFIERS if m.asserts)
# lexicon -> the flag its terms set
FLAG_OF: dict[str, str] = {lex: m.name for m in MODIFIERS if not m.position for lex in m.lexicons}
CONTRAST: dict[int, Modifier] = {m.position: m for m in MODIFIERS if m.position}


def vote_modifiers(flags: dict[str, bool], contrast: int) -> tuple[str, ...]:
    """The modifiers of a vote on a fact: its flags in table order, then its contrast position."""
    mods = [name for name in FLAGS if flags.get(name)] if flags else []
    if contrast:
        mods.append(CONTRAST[1 if contrast > 0 else -1].name)
    return tuple(mods)


def factors(modifiers: tuple[str, ...]) -> tuple[tuple[str, float], ...]:
    """The weighed modifiers among a vote's, as (shown name, factor), in table order."""
    return tuple((m.shown, m.weight) for m in MODIFIERS if m.weight is not None and m.name in modifiers)


def asserted_key(flags: dict[str, bool]) -> int:
    """The asserted flags packed in one int (bit i: ASSERTED[i]): the inference's key of a fact."""
    key = 0
    for bit, name in enumerate(ASSERTED):
        if flags.get(name):
            key |= 1 << bit
    return key
