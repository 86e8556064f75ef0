"""The learned scorer of the generic detector: a small ensemble of decision trees
over the features of one candidate (its value's shape, the key that names it,
the rule that would reject it, the layout and file type it was read from).

The generic detector reads every assignment to a credential-named key; the rules
in `generic.judge` say why a value is not a credential (a placeholder, a path,
not random, ...). With a scorer those reasons become features and the scorer
decides, so a real password the rules would drop is kept and a rule-passing
identifier is dropped. The model is a data file shipped with the package,
`scorer.json` (feature names, trees, threshold), read with plain Python: a
candidate costs one walk of each tree. It was fitted on a labelled development
set of public repositories' files (`bench/secrets_real.py` refits it and
measures it by cross-validation by repository); no model is downloaded.

The trees are gradient-boosted: the score is the sum of the leaf values the
candidate reaches plus a base, a log-odds; a candidate is kept when its
probability reaches the model's threshold."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Protocol

from shieldwall.analyzers.secrets import values
from shieldwall.analyzers.secrets.checks import char_classes, entropy
from shieldwall.analyzers.secrets.generic import GenericHit, Syntax
from shieldwall.analyzers.secrets.names import name_words

REASONS = (
    "not-random",
    "not-key-material",
    "placeholder",
    "reference",
    "example",
    "hash",
    "path",
    "code",
    "name",
    "prose",
    "label",
    "weak-key",
    "short",
)
VIAS = (
    "quoted",
    "call",
    "reversed",
    "xml",
    "flag",
    "pair",
    "bearer",
    "directive",
    "bare",
    "below",
    "command",
    "scheme",
    "array",
)
SYNTAXES = ("config", "code", "c-family", "go")
KEY_WORDS = (
    "pass",
    "pwd",
    "secret",
    "token",
    "key",
    "auth",
    "api",
    "salt",
    "nonce",
    "id",
    "client",
    "private",
    "access",
    "session",
    "hash",
    "public",
    "user",
    "test",
)
# Extension groups: documentation, data, configuration, and code families.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "doc": ("md", "rst", "txt", "adoc", "html", "markdown"),
    "json": ("json",),
    "yaml": ("yaml", "yml"),
    "xml": ("xml", "config", "xaml", "csproj", "plist"),
    "props": ("properties", "ini", "cfg", "conf", "env", "toml", "cnf"),
    "shell": ("sh", "bash", "zsh", "ps1", "bat", "cmd"),
    "py": ("py",),
    "js": ("js", "ts", "jsx", "tsx", "mjs", "cjs", "vue"),
    "jvm": ("java", "kt", "scala", "groovy", "gradle"),
    "cs": ("cs",),
    "php": ("php",),
    "go": ("go",),
    "rb": ("rb",),
    "c": ("c", "h", "cc", "cpp", "hpp", "m"),
    "sql": ("sql",),
}
_EXT_GROUP = {ext: group for group, exts in EXTENSIONS.items() for ext in exts}
_TEST_WORD = re.compile(r"(?i)test|mock|dummy|fake|sample|example|demo")
_HEX = re.compile(r"^[0-9a-fA-F]+$")
_B64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")


def feature_names() -> list[str]:
    names = ["accepted", "password"]
    names += [f"reason:{r}" for r in REASONS]
    names += [f"via:{v}" for v in VIAS]
    names += [f"syntax:{s}" for s in SYNTAXES]
    names += [f"ext:{g}" for g in EXTENSIONS] + ["ext:other"]
    names += [f"keyword:{w}" for w in KEY_WORDS]
    names += [
        "test-path",
        "test-word-value",
        "length",
        "entropy",
        "classes",
        "digits",
        "upper",
        "lower",
        "symbols",
        "spaces",
        "sequence",
        "strength",
        "uuid",
        "hex",
        "base64",
        "all-digits",
        "key-length",
        "key-words",
        "line-offset",
        "line-length",
        "values-on-line",
        "vowels",
        "value-words",
        "line-example",
        "line-comment",
        "padding",
    ]
    return names


FEATURES = tuple(feature_names())


def features(
    hit: GenericHit, syntax: Syntax, path: str, test_path: bool, line: str, on_line: int
) -> list[float]:
    """The candidate's feature vector, in the order of FEATURES."""
    v = hit.value
    n = len(v)
    out: list[float] = [float(not hit.reason), float(hit.kind == "password")]
    out += [float(hit.reason == r) for r in REASONS]
    out += [float(hit.via == w) for w in VIAS]
    out += [float(syntax.name == s) for s in SYNTAXES]
    name = path.rsplit("/", 1)[-1].lower()
    group = _EXT_GROUP.get(name.rsplit(".", 1)[-1] if "." in name else "", "other")
    out += [float(group == g) for g in EXTENSIONS] + [float(group == "other")]
    key = hit.key.lower()
    out += [float(w in key) for w in KEY_WORDS]
    digits = sum(c.isdigit() for c in v)
    upper = sum(c.isupper() for c in v)
    lower = sum(c.islower() for c in v)
    spaces = v.count(" ")
    out += [
        float(test_path),
        float(bool(_TEST_WORD.search(v))),
        float(n),
        entropy(v),
        float(char_classes(v)),
        digits / n,
        upper / n,
        lower / n,
        (n - digits - upper - lower - spaces) / n,
        float(spaces),
        float(values.has_sequence(v)),
        values.strength(v),
        float(values.is_uuid(v)),
        float(bool(_HEX.match(v))),
        float(bool(_B64.match(v)) and n >= 16),
        float(v.isdigit()),
        float(len(hit.key)),
        float(len(name_words(hit.key))),
        float(hit.line_offset),
        float(len(line)),
        float(on_line),
        sum(c in "aeiouAEIOU" for c in v) / max(1, upper + lower),
        float(len(name_words(v))),
        float(bool(_TEST_WORD.search(line.replace(v, "")))),
        float(line.lstrip().startswith(("#", "//", "*", "--", "/*", ";", "<!--"))),
        float(v.endswith("=")),
    ]
    return out


class Decider(Protocol):
    """What decides on a candidate: its probability, the one to keep a candidate
    at, and the lower one to keep a candidate the rules accept at."""

    @property
    def threshold(self) -> float: ...

    @property
    def veto(self) -> float: ...

    def probability(self, x: Sequence[float]) -> float: ...


@dataclass(frozen=True, slots=True)
class Tree:
    """One regression tree in arrays: node i splits on feature[i] <= threshold[i]
    (left) or not (right); a leaf has left[i] == -1 and gives value[i]."""

    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]

    def leaf(self, x: Sequence[float]) -> float:
        i = 0
        left, right, feature, threshold = self.left, self.right, self.feature, self.threshold
        while left[i] != -1:
            i = left[i] if x[feature[i]] <= threshold[i] else right[i]
        return self.value[i]


@dataclass(frozen=True, slots=True)
class Scorer:
    """A fitted model: base log-odds, trees, the probability to keep a candidate
    at, and `veto`: a candidate the rules accept is dropped only below it (the
    scorer overrules the rules only when it is confident)."""

    base: float
    trees: tuple[Tree, ...]
    threshold: float
    veto: float

    def probability(self, x: Sequence[float]) -> float:
        raw = self.base + sum(t.leaf(x) for t in self.trees)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, raw))))

    def keep(self, x: Sequence[float]) -> bool:
        """`x[0]` is the `accepted` feature: did the rules keep the candidate?"""
        return self.probability(x) >= (self.veto if x[0] else self.threshold)

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Scorer:
        """A model from its data; its features are named, so a model fitted before
        features were added still reads (each tree's feature index is remapped)."""
        names = list(doc["features"])
        unknown = [n for n in names if n not in FEATURES]
        if unknown:
            raise ValueError(
                f"the scorer uses features this version does not compute ({', '.join(unknown)}): "
                "refit it with bench/secrets_real.py --write-model"
            )
        where = [FEATURES.index(n) for n in names]
        trees = tuple(
            Tree(
                tuple(where[f] for f in t["feature"]),
                tuple(t["threshold"]),
                tuple(t["left"]),
                tuple(t["right"]),
                tuple(t["value"]),
            )
            for t in doc["trees"]
        )
        return cls(float(doc["base"]), trees, float(doc["threshold"]), float(doc["veto"]))


_SHIPPED: Scorer | None = None


def shipped() -> Scorer:
    """The model shipped with the package (`scorer.json` beside this module)."""
    global _SHIPPED
    if _SHIPPED is None:
        text = resources.files(__package__).joinpath("scorer.json").read_text("utf-8")
        _SHIPPED = Scorer.from_json(json.loads(text))
    return _SHIPPED
