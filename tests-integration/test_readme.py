"""The README's usage example runs and prints what its comment says."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_example_prints_its_documented_output() -> None:
    block = re.findall(r"```python\n(.*?)```", README.read_text(), re.DOTALL)[0]
    documented = re.search(r"print\(.*\)\s+# (.*)", block)
    assert documented is not None, "the README example should document what it prints"
    result = subprocess.run(
        [sys.executable, "-c", block], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == documented.group(1).strip()
