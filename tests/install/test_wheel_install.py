"""A non-editable install carries everything Hearth reads at start (migrations, shipped data)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_a_wheel_installed_elsewhere_passes_hearth_check(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    for package in ("bot", "cogs"):
        shutil.copytree(
            REPO / package, source / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", wheels, source],
        check=True,
        timeout=600,
    )
    [wheel] = wheels.glob("hearth_bot-*.whl")
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", site, wheel],
        check=True,
        timeout=300,
    )
    shutil.rmtree(source)  # nothing may be read from a source tree any more

    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
    env.update(
        PYTHONPATH=str(site),
        DISCORD_TOKEN="not-used-by-check",
        HEARTH_DATABASE_URL=f"sqlite:///{tmp_path / 'data' / 'hearth.db'}",
    )
    where = subprocess.run(
        [sys.executable, "-c", "import bot; print(bot.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.strip().startswith(str(site)), "the wheel, not the repository, is tested"
    check = subprocess.run(
        [sys.executable, site / "bin" / "hearth", "check"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stderr
    assert "settings OK" in check.stdout
