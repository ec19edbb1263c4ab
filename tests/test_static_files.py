"""The product's own stylesheets stay well-formed (a lost brace once swallowed every rule after it)."""

from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parent.parent / "static"


@pytest.mark.parametrize("stylesheet", sorted(p.relative_to(STATIC).as_posix() for p in (STATIC / "css").glob("*.css")))
def test_stylesheet_braces_balance(stylesheet):
    depth = 0
    for number, line in enumerate((STATIC / stylesheet).read_text().splitlines(), 1):
        depth += line.count("{") - line.count("}")
        assert 0 <= depth <= 2, f"{stylesheet}:{number}: braces nest {depth} deep"
    assert depth == 0, f"{stylesheet}: {depth} unclosed brace(s)"
