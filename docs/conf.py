"""Sphinx configuration: ``sphinx-build -W -b html docs docs/_build/html``."""

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

project = "rnn-nodes"
author = "the rnn-nodes developers"
copyright = "2026, the rnn-nodes developers"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_nb",
    "sphinx_gallery.gen_gallery",
]

html_theme = "pydata_sphinx_theme"
html_title = "rnn-nodes"
html_theme_options = {"navigation_depth": 2, "show_toc_level": 2}
exclude_patterns = ["_build", "**.ipynb_checkpoints", "auto_examples/*.ipynb",
                    "auto_examples/*.py", "auto_examples/*.zip", "auto_examples/*.json",
                    "auto_examples/*.md5"]

# the API reference: generated from the numpydoc docstrings
templates_path = ["_templates"]
autosummary_generate = True
autodoc_default_options = {"members": True}  # "inherited-members" here would override the
# template's :inherited-members: for RNN (Sphinx 9)
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks = set()

# every cross-reference must resolve (-W makes a warning an error); what numpydoc
# writes as prose types ("ndarray of shape (batch, time, n)") is not a reference
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", (r"(numpy\.)?ndarray|array.like|array_like|optional|default.*|of|shape|"
                r"\(.*|.*\)|or|int|float|str|bool|None|callable|dict|list|tuple|object|"
                r"iterable|sequence|path.like|os\.PathLike|bytes|NamedTuple|.*\.Axes|"
                r"matplotlib\..*|numpy\..*|np\..*|jax\..*|sklearn\..*|torch\..*|"
                r"Generator|RandomState|.* of .*|\{.*|.*\}|\".*\"|'.*'|[0-9].*")),
    # internal modules and classes (not part of the reference) and bare names in docstrings
    (r"py:mod", r"rnn_nodes\..*|schedulers\..*"),
    (r"py:.*", (r"rnn_nodes\.(layers|estimators|schedulers|activations|costs|node|gru_node|nodes|callbacks|"
                r"lstm_node|network_\w+|gradients|torch_export|inference|prediction|"
                r"training\w*|sequences|threads|summary|keywords|output_gradient|checkpoint|io|"
                r"persistence)\..*")),
    (r"py:.*", r"schedulers\.(schedules|SCHEDULERS).*"),
    (r"py:(meth|func|attr|data)", r"[a-z_]+"),
    (r"py:class", r"abc\.ABC"),
]


def _skip_scikit_learn_metadata(app, what, name, obj, skip, options):
    """scikit-learn's generated ``set_*_request`` / metadata-routing methods: not ours."""
    if name.endswith("_request") or name in ("get_metadata_routing", "set_output"):
        return True
    return skip


def setup(app):
    app.connect("autodoc-skip-member", _skip_scikit_learn_metadata)

# tutorials: executed at build time, cached between builds
nb_execution_mode = "cache"
nb_execution_timeout = 300
nb_execution_raise_on_error = True
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

# the gallery: examples/plot_*.py, executed at build time
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"instruments_figures\.py|custom_cell\.py",
    "download_all_examples": False,
    "remove_config_comments": True,
}
