"""Run time of ``servicekit demo``, the newcomer's first command (issue 16).

Target: under 30 s on a 2-core machine. The anchor is the interpreter's own start-up
with ``import servicekit`` (measured in the same run), so the ratio says how much of the
wait is the tour itself. The demo runs as a user runs it: a subprocess with a minimal
environment (PATH and HOME), from an empty folder. Run from the repository root:
python benchmarks/bench_demo.py
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version

TARGET_SECONDS = 30.0


def timed(args: list[str], folder: str) -> float:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": folder}
    start = time.perf_counter()
    subprocess.run(args, cwd=folder, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    print(
        f"Python {platform.python_version()}, servicekit {version('servicekit')}, "
        + ", ".join(f"{p} {version(p)}" for p in ("numpy", "scipy", "pandas", "scikit-learn"))
    )
    print(f"{os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        anchor = min(timed([sys.executable, "-c", "import servicekit"], folder) for _ in range(3))
        demo = min(timed([sys.executable, "-m", "servicekit", "demo"], folder) for _ in range(2))
    print(f"python -c 'import servicekit'   {anchor:6.2f} s (anchor)")
    print(f"python -m servicekit demo       {demo:6.2f} s  ({demo / anchor:.0f}x the anchor)")
    print(
        f"target under {TARGET_SECONDS:.0f} s: {'met' if demo < TARGET_SECONDS else 'NOT met'} "
        f"({demo / TARGET_SECONDS:.2f} of the target)"
    )


if __name__ == "__main__":
    main()
