"""Sphinx configuration: Markdown pages (MyST), API reference from docstrings, furo theme."""

from __future__ import annotations

import mg_autograd
import mg_core
import mg_kernels

project = "mg"
author = "the mg developers"
copyright = "2026, the mg developers"
release = (
    f"mg-kernels {mg_kernels.__version__} · mg-core {mg_core.__version__} · "
    f"mg-autograd {mg_autograd.__version__}"
)

extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx.ext.viewcode"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "build"]
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3
autodoc_member_order = "bysource"
autodoc_typehints = "description"
html_theme = "furo"
html_title = "mg"
