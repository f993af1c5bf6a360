"""Rendering reports for people: a rich table with the cited span highlighted, or Markdown."""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from impact.report import Evidence, Report

COLOURS = {"bullish": "green", "bearish": "red", "neutral": "yellow"}
# the line breaks a sentence may be wrapped over, each shown as a space (one character for one,
# so that offsets into the sentence still hold)
_ONE_LINE = str.maketrans({c: " " for c in "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"})
ARROWS = {"bullish": "▲", "bearish": "▼", "neutral": "◆"}


def cited(ev: Evidence) -> Text:
    """The sentence with the trigger span highlighted (offsets are into the original input)."""
    text = Text(ev.sentence.translate(_ONE_LINE))
    a, b = ev.trigger.start - ev.start, ev.trigger.end - ev.start
    if 0 <= a < b <= len(ev.sentence):
        text.stylize(f"bold {COLOURS[ev.direction]} reverse", a, b)
    return text


NO_CALL = "dim"


def table(report: Report, top: int | None = None) -> Group:
    """The report as a summary table, then per asset its evidence: counted rows first, each marked
    in words (counted, not counted and why), at most ``top`` rows per asset (saying how many were
    hidden), and a legend."""
    doc = report.document
    title = f"{doc.id or 'document'} · {doc.language} · {doc.chars:,} chars · rules {report.ruleset}"
    if not report.signals and not report.undecided:
        return Group(Text(title, style="dim"), Text("No signals: no rule found a view on the declared assets."))
    # the header is a line of its own: a table's title would wrap at the table's (narrow) width
    summary = Table(expand=False)
    summary.add_column("asset", style="bold")
    summary.add_column("view")
    summary.add_column("score", justify="right")
    summary.add_column("votes ▲/▼/◆", justify="right")
    summary.add_column("evidence", justify="right")
    for s in report.signals:
        colour = COLOURS[s.direction]
        summary.add_row(
            s.asset,
            Text(f"{ARROWS[s.direction]} {s.direction}", style=colour),
            Text(f"{s.score:+.2f}", style=colour),
            f"{s.votes['bullish']:.2f}/{s.votes['bearish']:.2f}/{s.votes['neutral']:.2f}",
            str(len(s.evidence)),
        )
    for u in report.undecided:
        summary.add_row(
            u.asset,
            Text("· no call", style=NO_CALL),
            Text(f"{u.score:+.2f}", style=NO_CALL),
            f"{u.votes['bullish']:.2f}/{u.votes['bearish']:.2f}/{u.votes['neutral']:.2f}",
            str(len(u.evidence)),
        )
    parts: list = [Text(title), summary]
    for s in report.signals:
        colour = COLOURS[s.direction]
        title = f"[bold]{escape(s.asset)}[/] [{colour}]{s.direction} {s.score:+.2f}[/]"
        parts.append(Panel(_evidence_body(s.evidence, s.direction, top), title=title, title_align="left"))
    for u in report.undecided:
        title = f"[bold]{escape(u.asset)}[/] no call, lean {u.score:+.2f}"
        body = Group(Text(f"No call: {u.reason}.", style="italic"), _evidence_body(u.evidence, None, top))
        parts.append(Panel(body, title=title, title_align="left", border_style=NO_CALL))
    parts.append(Text(LEGEND, style="dim"))
    return Group(*parts)


LEGEND = ("▲ bullish ▼ bearish ◆ neutral · w: a vote's weight · counted: in the score · not counted: a stronger "
          "vote, same sentence and direction, counted · set aside: a digest's items pull the asset both ways")


def status(ev: Evidence, evidence: list[Evidence], net: str | None = None) -> str:
    """Whether a piece of evidence counted, in words, with the reason when it did not (the
    resolver's two reasons, impact.pipeline.resolve: a stronger vote of the same sentence and
    direction, or a digest's items pulling both ways)."""
    if ev.counted:
        against = net in ("bullish", "bearish") and ev.direction in ("bullish", "bearish") and ev.direction != net
        return "counted, against the view" if against else "counted"
    stronger = any(o.counted and o.start == ev.start and o.direction == ev.direction for o in evidence if o is not ev)
    if stronger:
        return "not counted: a stronger vote in this sentence counted"
    return "set aside: digest items pull both ways"


def ordered(evidence: list[Evidence]) -> list[Evidence]:
    """Counted evidence first, each group in the order of the text."""
    return sorted(evidence, key=lambda ev: not ev.counted)


def _evidence_body(evidence: list[Evidence], net: str | None, top: int | None) -> Group | Table:
    rows = ordered(evidence)
    shown = rows if top is None else rows[:top]
    ev_table = Table(show_header=True, expand=True, box=None, padding=(0, 1))
    ev_table.add_column("", width=2)
    ev_table.add_column("rule · why", ratio=2, overflow="fold")
    ev_table.add_column("cited sentence [start:end]", ratio=3, overflow="fold")
    for ev in shown:
        mark = Text(ARROWS[ev.direction], style=COLOURS[ev.direction] + ("" if ev.counted else " dim"))
        mods = f" ({', '.join(ev.modifiers)})" if ev.modifiers else ""
        said = status(ev, evidence, net)
        why = Text.assemble(
            (said, "bold" if ev.counted else "dim"), "\n",
            (ev.rule, "bold"), f"  w={ev.weight:.2f}{mods}\n", (ev.explanation, "italic"),
        )
        where = cited(ev)
        where.append(f"  [{ev.start}:{ev.end}]", style="dim")
        ev_table.add_row(mark, why, where)
    hidden = len(rows) - len(shown)
    if not hidden:
        return ev_table
    counted = sum(ev.counted for ev in rows[len(shown):])
    more = Text(f"… {hidden} more {'row' if hidden == 1 else 'rows'} hidden by --top {top} ({counted} counted); "
                "--top 0 or --format json shows all", style="dim italic")
    return Group(ev_table, more)


def markdown(report: Report) -> str:
    doc = report.document
    lines = [f"# Signals for {doc.id or 'document'}", "",
             f"Language {doc.language}, {doc.chars:,} characters, rule set `{report.ruleset}`.", ""]
    if not report.signals and not report.undecided:
        lines.append("No signals: no rule found a view on the declared assets.")
        return "\n".join(lines) + "\n"
    lines += ["| asset | view | score | evidence |", "|---|---|---:|---:|"]
    for s in report.signals:
        lines.append(f"| {s.asset} | {s.direction} | {s.score:+.2f} | {len(s.evidence)} |")
    for u in report.undecided:
        lines.append(f"| {u.asset} | no call | {u.score:+.2f} | {len(u.evidence)} |")
    sections = [(s.asset, f"{s.direction} ({s.score:+.2f})", s.evidence) for s in report.signals]
    sections += [(u.asset, f"no call ({u.reason}), lean {u.score:+.2f}", u.evidence) for u in report.undecided]
    for asset, heading, evidence in sections:
        lines += ["", f"## {asset}: {heading}", ""]
        for ev in evidence:
            a, b = ev.trigger.start - ev.start, ev.trigger.end - ev.start
            sent = ev.sentence.translate(_ONE_LINE)
            quoted = sent[:a] + "**" + sent[a:b] + "**" + sent[b:] if 0 <= a < b <= len(sent) else sent
            mods = f", {', '.join(ev.modifiers)}" if ev.modifiers else ""
            counted = "" if ev.counted else f", {status(ev, evidence)}"
            lines.append(f"- {ARROWS[ev.direction]} **{ev.direction}** `{ev.rule}` (w={ev.weight:.2f}{mods}{counted}): "
                         f"{ev.explanation}  \n  > {quoted} `[{ev.start}:{ev.end}]`")
    return "\n".join(lines) + "\n"


def print_report(report: Report, console: Console, top: int | None = None) -> None:
    console.print(table(report, top))
