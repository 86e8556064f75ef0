"""Redirect sinks of the smaller web frameworks (bottle, CherryPy, Sanic, Falcon,
Pyramid): the location their redirect helpers and exceptions send the browser to.
Added to SINK_CALLS."""

from __future__ import annotations

from shieldwall.analyzers.code.catalog.sinks import SINK_CALLS, Sink, words

REDIRECT_SINKS: dict[str, Sink] = {
    "bottle.redirect": Sink("redirect", (0,), ("url",)),
    "cherrypy.HTTPRedirect": Sink("redirect", (0,), ("urls",)),
    "sanic.response.redirect": Sink("redirect", (0,), ("to",)),
    **{
        f"falcon.{name}": Sink("redirect", (0,), ("location",))
        for name in words(
            "HTTPFound HTTPSeeOther HTTPMovedPermanently HTTPTemporaryRedirect"
            " HTTPPermanentRedirect"
        )
    },
    **{
        f"pyramid.httpexceptions.{name}": Sink("redirect", (0,), ("location",))
        for name in words(
            "HTTPFound HTTPSeeOther HTTPMovedPermanently HTTPTemporaryRedirect"
            " HTTPPermanentRedirect HTTPMultipleChoices HTTPUseProxy"
        )
    },
}
SINK_CALLS.update(REDIRECT_SINKS)
