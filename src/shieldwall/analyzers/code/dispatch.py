"""A registry's dispatch with tainted arguments, planned once: what each function
registered in the container does with the arguments of a call of that shape (its
sinks, what it returns), so that N calls of N functions cost N applications of the
plan, not N * N calls. Only where every function is a plain call (no receiver, no
wrapper, no other definition of its name, no value of its own, each parameter fed by
one argument); elsewhere each function runs by its summary."""

from __future__ import annotations

from dataclasses import dataclass

from shieldwall.analyzers.code import catalog as cat
from shieldwall.analyzers.code.module import Chain
from shieldwall.analyzers.code.state import DICT_RESULT
from shieldwall.analyzers.code.values import CLEAN, Taint, Val, join_taint

# Where a parameter's value comes from in the call: ("arg", index) or ("kw", name).
Source = tuple[str, object]


@dataclass(frozen=True, slots=True)
class Applied:
    """One sink of one registered function's summary, as the dispatch applies it."""

    source: Source
    cls: cat.SinkClass
    what: str  # as reported: the sink, in the function
    chain: Chain
    program: bool  # a sink on the program a list names: the list's first item reaches it
    seen: tuple[str, str, tuple[str, int]]  # what it is reported under (see State.report)


@dataclass(frozen=True, slots=True)
class Returned:
    """What one parameter of a registered function passes to its return value."""

    source: Source
    returns: bool
    safe: frozenset[str]  # made safe for these on the way
    facts: frozenset[str]  # facts about the value kept (see RETURNED_FACTS)
    dict_display: bool  # the summary returns a dict display


@dataclass(frozen=True, slots=True)
class Plan:
    """The dispatch of one container for one shape of arguments."""

    pending: list[Applied]  # sinks not yet reported from the module, in call order
    effects: tuple[Applied, ...]  # one sink per (source, class, program): its effects
    returns: tuple[tuple[Returned, ...], ...]  # distinct, in order of first appearance


def returned_value(parameters: tuple[Returned, ...], taints: dict[Source, Taint]) -> Val:
    """What one registered function returns: the taint of its tainted parameters it
    returns, with the facts every such path keeps, as `Interprocedural._call_one`."""
    if not parameters:
        return CLEAN
    result: Taint | None = None
    kept: frozenset[str] | None = None
    for p in parameters:
        t = taints[p.source]
        applied = (t.sanitised(p.safe) if p.safe else t) if p.returns else None
        result = join_taint(result, applied)
        if applied is not None:
            kept = p.facts if kept is None else kept & p.facts
    shape = frozenset({DICT_RESULT}) if all(p.dict_display for p in parameters) else frozenset()
    if kept:
        return Val(result, flags=kept | shape)
    return Val(result, flags=shape)


def reaching(applied: Applied, value: Val) -> Taint | None:
    """The taint that reaches the sink from the argument `value`."""
    if applied.program and value.items:
        return value.items[0].deep_taint()
    return value.deep_taint()


def argument_values(args: list[Val], kwargs: dict[str, Val]) -> dict[Source, Val]:
    """A call's arguments by where they stand."""
    values: dict[Source, Val] = {("arg", i): a for i, a in enumerate(args)}
    values.update((("kw", k), v) for k, v in kwargs.items())
    return values
