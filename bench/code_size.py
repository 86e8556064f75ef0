"""The largest modules and the longest functions of src/ (DESIGN: no module over
800 lines, no function over 80).

Run:  .venv/bin/python bench/code_size.py [--top 5] [--under src/shieldwall/analyzers]
Prints figures only; the exit code is 0 whatever they are.
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def functions(path: Path) -> list[tuple[int, str]]:
    """(lines, qualified name) of every function of a module, nested ones included."""
    out: list[tuple[int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    end = child.end_lineno or child.lineno
                    start = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                    out.append((end - start + 1, name))
                visit(child, name + ".")

    visit(ast.parse(path.read_text(encoding="utf-8")), "")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--under", default="src")
    args = parser.parse_args()
    root = REPO / args.under
    modules: list[tuple[int, str]] = []
    funcs: list[tuple[int, str]] = []
    for path in sorted(root.rglob("*.py")):
        rel = str(path.relative_to(REPO))
        modules.append((len(path.read_text(encoding="utf-8").splitlines()), rel))
        funcs.extend((n, f"{rel}:{name}") for n, name in functions(path))
    modules.sort(reverse=True)
    funcs.sort(reverse=True)
    print(f"largest modules under {args.under} (lines):")
    for n, rel in modules[: args.top]:
        print(f"  {n:6d}  {rel}")
    print(f"  modules over 800 lines: {sum(1 for n, _ in modules if n > 800)}")
    print("longest functions (lines, decorators included):")
    for n, name in funcs[: args.top]:
        print(f"  {n:6d}  {name}")
    print(f"  functions over 80 lines: {sum(1 for n, _ in funcs if n > 80)}")


if __name__ == "__main__":
    main()
