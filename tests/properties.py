"""How many examples a property test tries.

The whole suite (``make test``) tries each property's own count: hypothesis's default of 100, or the count the
test names through ``examples``. The inner loop (``make test-fast``, the hypothesis profile ``fast``) tries a
fifth of each, so a property still meets dozens of inputs on every run, and any input that once failed is
tried again first (hypothesis keeps them in .hypothesis/), whichever profile found it.
"""

from __future__ import annotations

from hypothesis import settings

FULL = 100  # hypothesis's own default, the whole suite's
FAST = FULL // 5

# No per-example time limit: speed is measured in bench/, and a busy machine must not fail a property.
settings.register_profile("oversight", deadline=None, max_examples=FULL)
settings.register_profile("fast", settings.get_profile("oversight"), max_examples=FAST)
settings.load_profile("oversight")


def examples(count: int) -> int:
    """``count`` in the whole suite; the same share of it as the loaded profile's of hypothesis's default."""
    return max(10, count * settings.default.max_examples // FULL)
