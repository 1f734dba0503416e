"""The documentation stays true: every import column and indicator appears in docs/data.md, every
module named in docs/architecture.md exists."""

from __future__ import annotations

import re
from pathlib import Path

from parknet.domain import INDICATORS
from parknet.store.kinds import KINDS

ROOT = Path(__file__).resolve().parents[1]


def test_data_md_documents_every_kind_column_and_indicator() -> None:
    text = (ROOT / "docs" / "data.md").read_text()
    for kind in KINDS.values():
        assert f"### `{kind.name}` — {kind.title_zh}" in text
        for col in kind.columns:
            assert f"| `{col.name}` | {col.zh} |" in text, (kind.name, col.name)
    for d in INDICATORS:
        assert f"| `{d.code}` | {d.name_zh} | {d.unit} |" in text


def test_architecture_paths_exist() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text()
    paths = re.findall(r"^\| `([^`]+)`", text, flags=re.M)
    assert len(paths) > 15
    for path in paths:
        for part in path.split(", "):
            assert (ROOT / part.strip("`")).exists() or (ROOT / "src/parknet/services" / part.strip("`")).exists(), part
