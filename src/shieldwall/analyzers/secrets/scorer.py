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

import functools
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Protocol

from shieldwall.analyzers.secrets import values
from shieldwall.analyzers.secrets.checks import char_classes, entropy
from shieldwall.analyzers.secrets.generic import GenericHit
from shieldwall.analyzers.secrets.names import name_words
from shieldwall.analyzers.secrets.syntax import Syntax

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
    "header",
    "comment",
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
_VOWELS = frozenset("aeiouAEIOU")


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
    """The candidate's feature vector, in the order of FEATURES. The parts that
    depend on the value, the key or the path alone are cached: generated files
    repeat them on line after line."""
    v = hit.value
    shape = _value_part(v)
    out = list(_head(hit.reason, hit.kind, hit.via, syntax.name))
    out += path_part(path)
    key_flags, key_length, key_words = _key_part(hit.key)
    out += key_flags
    out.append(float(test_path))
    out += shape[:-3]
    out += [key_length, key_words, float(hit.line_offset), float(len(line)), float(on_line)]
    out += shape[-3:-1]
    out.append(
        float(bool(_TEST_WORD.search(line)) and bool(_TEST_WORD.search(line.replace(v, ""))))
    )
    out.append(float(line.lstrip().startswith(("#", "//", "*", "--", "/*", ";", "<!--"))))
    out.append(shape[-1])
    return out


@functools.lru_cache(maxsize=1024)
def _head(reason: str, kind: str, via: str, syntax: str) -> tuple[float, ...]:
    """accepted, password, then the reason, the layout and the syntax, one-hot."""
    return (
        float(not reason),
        float(kind == "password"),
        *(float(reason == r) for r in REASONS),
        *(float(via == w) for w in VIAS),
        *(float(syntax == s) for s in SYNTAXES),
    )


@functools.lru_cache(maxsize=4096)
def path_part(path: str) -> tuple[float, ...]:
    name = path.rsplit("/", 1)[-1].lower()
    group = _EXT_GROUP.get(name.rsplit(".", 1)[-1] if "." in name else "", "other")
    return (*(float(group == g) for g in EXTENSIONS), float(group == "other"))


@functools.lru_cache(maxsize=16384)
def _key_part(key: str) -> tuple[tuple[float, ...], float, float]:
    lowered = key.lower()
    flags = tuple(float(w in lowered) for w in KEY_WORDS)
    return flags, float(len(key)), float(len(name_words(key)))


@functools.lru_cache(maxsize=65536)
def _value_part(v: str) -> tuple[float, ...]:
    """test-word-value .. all-digits, then vowels, value-words, padding."""
    n = len(v)
    digits = sum(map(str.isdigit, v))
    upper = sum(map(str.isupper, v))
    lower = sum(map(str.islower, v))
    spaces = v.count(" ")
    bits = entropy(v)
    classes = char_classes(v)
    return (
        float(bool(_TEST_WORD.search(v))),
        float(n),
        bits,
        float(classes),
        digits / n,
        upper / n,
        lower / n,
        (n - digits - upper - lower - spaces) / n,
        float(spaces),
        float(values.has_sequence(v)),
        values.strength_of(bits, classes, n),
        float(values.is_uuid(v)),
        float(bool(_HEX.match(v))),
        float(bool(_B64.match(v)) and n >= 16),
        float(v.isdigit()),
        sum(map(_VOWELS.__contains__, v)) / max(1, upper + lower),
        float(len(name_words(v))),
        float(v.endswith("=")),
    )


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


def _compiled(base: float, trees: Sequence[Tree]) -> Callable[[Sequence[float]], float]:
    """The ensemble as one Python function of nested comparisons: a candidate costs
    a few comparisons per tree instead of a loop. Built from the model's numbers
    only (indices and floats formatted here), so no text of the file is run."""
    used = sorted({int(t.feature[i]) for t in trees for i in range(len(t.left)) if t.left[i] != -1})
    # each feature the trees read is fetched once into a local (`x3 = x[3]`)
    lines = ["def raw(x):", *(f"    x{f} = x[{f}]" for f in used), f"    s = {float(base)!r}"]

    def node(t: Tree, i: int, depth: int) -> None:
        pad = "    " * depth
        if t.left[i] == -1:
            lines.append(f"{pad}s += {float(t.value[i])!r}")
            return
        lines.append(f"{pad}if x{int(t.feature[i])} <= {float(t.threshold[i])!r}:")
        node(t, t.left[i], depth + 1)
        lines.append(f"{pad}else:")
        node(t, t.right[i], depth + 1)

    for t in trees:
        node(t, 0, 1)
    lines.append("    return s")
    scope: dict[str, Any] = {}
    exec(compile("\n".join(lines), "<scorer trees>", "exec"), scope)  # noqa: S102 - numbers only
    fn: Callable[[Sequence[float]], float] = scope["raw"]
    return fn


@dataclass(frozen=True)
class Scorer:
    """A fitted model: base log-odds, trees, the probability to keep a candidate
    at, and `veto`: a candidate the rules accept is dropped only below it (the
    scorer overrules the rules only when it is confident)."""

    base: float
    trees: tuple[Tree, ...]
    threshold: float
    veto: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "_raw", _compiled(self.base, self.trees))
        object.__setattr__(self, "_cache", {})

    def probability(self, x: Sequence[float]) -> float:
        key = tuple(x)
        cache: dict[tuple[float, ...], float] = self._cache  # type: ignore[attr-defined]
        p = cache.get(key)
        if p is None:
            raw: float = self._raw(x)  # type: ignore[attr-defined]
            p = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, raw))))
            if len(cache) >= 65536:
                cache.clear()
            cache[key] = p
        return p

    def walked(self, x: Sequence[float]) -> float:
        """The same log-odds by walking each tree (what `_compiled` unrolls)."""
        return self.base + sum(t.leaf(x) for t in self.trees)

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
