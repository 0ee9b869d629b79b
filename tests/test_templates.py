"""What holds for every template."""

from pathlib import Path


def test_no_template_leaves_a_comment_open_across_lines():
    """Django's {# #} comments end on their line: one left open is printed on the page."""
    open_comments = [
        f"{path}:{number}"
        for path in (Path(__file__).resolve().parent.parent / "templates").rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "{#" in line and "#}" not in line[line.index("{#") :]
    ]
    assert open_comments == []
