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


def test_the_favicon_is_served_at_the_site_root(client):
    """Browsers ask every page for /favicon.ico; it is a real icon (WhiteNoise's root files), not a 404."""
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"\x00\x00\x01\x00" and b"PNG" in body[:40]  # an icon file holding one PNG image


def test_no_template_comment_spans_lines():
    """Django's {# #} comment is one line only; a longer one is printed on the page as text."""
    templates = Path(__file__).resolve().parent.parent / "templates"
    for path in templates.rglob("*.html"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            assert line.count("{#") == line.count("#}"), f"{path.relative_to(templates)}:{number}"
