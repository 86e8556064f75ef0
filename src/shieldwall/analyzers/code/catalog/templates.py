"""Template engines beyond Jinja2, Django and Mako whose template source is given
as text: Genshi, Chevron (Mustache), Airspeed (Velocity), Chameleon, TRender and
bottle's SimpleTemplate. Text from input compiled as a template runs what it says.
Added to SINK_CALLS."""

from __future__ import annotations

from shieldwall.analyzers.code.catalog.sinks import SINK_CALLS, Sink

TEMPLATE_SINKS: dict[str, Sink] = {
    "genshi.template.MarkupTemplate": Sink("template", (0,), ("source",)),
    "genshi.template.TextTemplate": Sink("template", (0,), ("source",)),
    "genshi.template.NewTextTemplate": Sink("template", (0,), ("source",)),
    "genshi.template.OldTextTemplate": Sink("template", (0,), ("source",)),
    "chevron.render": Sink("template", (0,), ("template",)),
    "chevron.renderer.render": Sink("template", (0,), ("template",)),
    "airspeed.Template": Sink("template", (0,), ("content",)),
    "chameleon.PageTemplate": Sink("template", (0,), ("body",)),
    "chameleon.zpt.template.PageTemplate": Sink("template", (0,), ("body",)),
    "trender.TRender": Sink("template", (0,), ("template",)),
    "bottle.SimpleTemplate": Sink("template", (0,), ("source",)),
    "bottle.template": Sink("template", (0,), ()),
}
SINK_CALLS.update(TEMPLATE_SINKS)
