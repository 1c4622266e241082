"""Install mg-autograd from dist/ into a brand-new venv and train a model there.

Run by `nox -s build` after it has built the wheels and sdists. `python -m build` compiles each
wheel from its sdist, so a working mg-kernels wheel also proves the sdist carries everything
needed to compile. Exits non-zero with the failing command's output if any step fails.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "linear_regression.py"


def run(*command: str | Path, cwd: Path | None = None) -> str:
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, command))}\n{result.stdout}\n{result.stderr}")
    return result.stdout


def main(dist: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="mg-wheel-check-") as tmp:
        venv = Path(tmp) / "venv"
        run(sys.executable, "-m", "venv", venv)
        python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
        run(python, "-m", "pip", "install", "--quiet", "--pre", "--find-links", dist,
            "--only-binary", "mg-kernels", "mg-autograd")  # fmt: skip
        installed = run(python, "-m", "pip", "list", "--format=freeze")
        print("installed:", ", ".join(line for line in installed.split() if line.startswith("mg")))
        # From a folder outside the repository, so nothing is imported from the working tree.
        print(run(python, DEMO, cwd=Path(tmp)).strip().splitlines()[-1])


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
