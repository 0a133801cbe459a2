"""The one reporter layer: pluralisation, locations and the text/JSON switch."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kbtool.model import Problem
from kbtool.report import location, plural, problem_line, render


def test_plural_knows_entries_and_plain_words() -> None:
    assert plural(1, "entry") == "1 entry"
    assert plural(2, "entry") == "2 entries"
    assert plural(0, "aftercare entry") == "0 aftercare entries"
    assert plural(3, "warning sign") == "3 warning signs"
    assert plural(1, "account") == "1 account" and plural(5, "account") == "5 accounts"
    assert plural(2, "day") == "2 days"  # a vowel before the y: just an s


def test_location_leaves_out_what_is_unknown() -> None:
    assert location("kb/faq/a.yaml", 3, 5) == "kb/faq/a.yaml:3:5"
    assert location("kb/faq/a.yaml", None, 5) == "kb/faq/a.yaml"
    assert location("", 2, 7) == "2:7"
    problem = Problem("kb/faq/a.yaml", 4, None, "error", "schema", "'summary' is required")
    assert problem_line(problem) == "kb/faq/a.yaml:4: error: 'summary' is required [schema]"


@dataclass
class _Result:
    count: int

    def as_dict(self) -> dict[str, Any]:
        return {"count": self.count, "名称": "条目"}


def test_render_gives_json_from_as_dict_and_text_from_the_line_function() -> None:
    result = _Result(2)
    assert json.loads(render(result, "json", lambda r: [])[0]) == {"count": 2, "名称": "条目"}
    assert render(result, "json-line", lambda r: []) == ['{"count":2,"名称":"条目"}']
    assert render(result, "text", lambda r: [plural(r.count, "entry")]) == ["2 entries"]
    assert render(result, "github", lambda r: [], github=lambda r: ["::notice::x"]) == [
        "::notice::x"
    ]
