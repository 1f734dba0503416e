"""Fixtures shared by the demo-data tests: the default zones with few enterprises (the zone draws come
before the enterprises, so they are the default demo's), and the cooperation data generated from them.
``test_demo.py`` defines its own full-size ``demo``."""

from __future__ import annotations

import pytest

from parknet.data.demo import DEFAULT_SEED, DemoData, generate
from parknet.data.demo_cooperation import CooperationDemo, generate_cooperation


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return generate(seed=DEFAULT_SEED, n_enterprises=5_000)


@pytest.fixture(scope="module")
def coop(demo: DemoData) -> CooperationDemo:
    return generate_cooperation(demo.zones, demo.zone_indicators, demo.industry_output, demo.seed)
