"""Install a throw-away plugin distribution (dist-info and module) into a folder.

The registry then discovers it through ``importlib.metadata`` exactly as it discovers a
plugin installed with pip.
"""

from __future__ import annotations

from pathlib import Path

GROUP = "govservice_std.localities"


def write_distribution(
    root: Path, *, dist: str, version: str, entry_name: str, module: str, source: str
) -> Path:
    """Write ``module.py`` and ``<dist>-<version>.dist-info`` under ``root``; return root."""
    (root / f"{module}.py").write_text(source, encoding="utf-8")
    info = root / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[{GROUP}]\n{entry_name} = {module}\n", encoding="utf-8"
    )
    return root
