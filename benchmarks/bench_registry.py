"""Hall loading and locality resolution.

Prints halls per second for: parsing the TOML alone (the floor), structuring with a plain
cattrs converter (no strict checks, no error paths), and structuring with the library's
converter (strict types, model validation, collected errors); then the time to resolve
龙门县's chain cold and cached.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tomllib
from collections.abc import Callable
from importlib.resources import files

import cattrs

import govservice_std as gs
from govservice_std.halls import HallsDocument


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--copies", type=int, default=200, help="copies of the county's halls in the file"
    )
    args = parser.parse_args()
    text = (files("govservice_longmen") / "data" / "441324" / "halls.toml").read_text("utf-8")
    # Replicate the county's halls to a province-sized file (codes made unique).
    base = tomllib.loads(text)["halls"]
    copies = args.copies
    halls = [
        {**hall, "code": f"{hall['code']}-{i}", "parent": None}
        for i in range(copies)
        for hall in base
    ]
    for hall in halls:
        hall.pop("parent")
    document = {"halls": halls}
    n = len(halls)

    parse = best_of(lambda: tomllib.loads(text)) * copies
    plain = cattrs.Converter()
    plain.register_structure_hook(gs.DivisionCode, lambda v, _: gs.DivisionCode(v))
    plain_t = best_of(lambda: plain.structure(document, HallsDocument))
    ours_t = best_of(lambda: gs.structure(document, HallsDocument))

    print(f"halls: {n}")
    print(f"  tomllib parse only        {n / parse:>12,.0f} halls/s")
    print(f"  plain cattrs structure    {n / plain_t:>12,.0f} halls/s")
    print(
        f"  govservice_std structure  {n / ours_t:>12,.0f} halls/s"
        f"  ({plain_t / ours_t:.2f}x plain cattrs)"
    )

    cold = []
    for _ in range(5):
        start = time.perf_counter()
        registry = gs.load_registry()
        registry.resolve("441324")
        cold.append(time.perf_counter() - start)
    cached = best_of(lambda: registry.resolve("441324"), repeat=1000)
    print(f"resolve 441324 cold (load plugins + read data): {statistics.median(cold) * 1e3:.1f} ms")
    print(f"resolve 441324 cached:                           {cached * 1e6:.2f} µs")


if __name__ == "__main__":
    main()
