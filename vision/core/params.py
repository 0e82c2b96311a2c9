"""Parameter dataclasses check their values when made: a bad setting is a clear error, not odd labels later.

    @dataclass(frozen=True)
    class Params(Checked):
        window_s: float = 0.5
        ...
        def __post_init__(self):
            self.check(positive=("window_s",), at_least_one=("ratio",), between_0_1=("share",))
"""

from __future__ import annotations

import math


class Checked:
    def check(self, positive: tuple[str, ...] = (), non_negative: tuple[str, ...] = (),
              at_least_one: tuple[str, ...] = (), between_0_1: tuple[str, ...] = ()) -> None:
        """Raise ValueError naming the class, the field, the value and what it must be."""
        rules = ((positive, lambda v: v > 0, "a positive number"),
                 (non_negative, lambda v: v >= 0, "zero or more"),
                 (at_least_one, lambda v: v >= 1, "at least 1"),
                 (between_0_1, lambda v: 0 <= v <= 1, "between 0 and 1"))
        for names, ok, wanted in rules:
            for name in names:
                value = getattr(self, name)
                if not isinstance(value, (int, float)) or not math.isfinite(value) or not ok(value):
                    raise ValueError(f"{type(self).__name__}.{name} must be {wanted}, got {value!r}")
