"""Every i18n key is defined once: a second entry in the dict literal would silently replace the first (the
agreement page once showed 平台公司服务 for a co-built platform that way)."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import parknet.web.i18n as i18n


def test_no_key_is_defined_twice() -> None:
    tree = ast.parse(Path(i18n.__file__).read_text(encoding="utf-8"))
    tables = [node for node in ast.walk(tree) if isinstance(node, ast.Dict) and len(node.keys) > 20]
    assert tables
    for table in tables:
        counts = Counter(k.value for k in table.keys if isinstance(k, ast.Constant))
        assert [k for k, n in counts.items() if n > 1] == []
