"""The documentation builds with no warning (``sphinx-build -W``): every tutorial and gallery
script is executed, every cross-reference resolves.

The build starts in the background when the test session starts (``tests/conftest.py``,
:mod:`docs_build`) and overlaps the other tests; this test waits for it.
"""

import importlib.util

import docs_build
import pytest


@pytest.mark.skipif(importlib.util.find_spec("sphinx") is None,
                    reason='sphinx is not installed (pip install -e ".[docs]")')
def test_the_docs_build_without_warnings():
    returncode, output, html = docs_build.result()
    assert returncode == 0, output[-6000:]
    for page in ("index.html", "getting-started.html", "tutorials/bptt-node-by-node.html",
                 "reference.html", "auto_examples/index.html", "instruments.html"):
        assert (html / page).is_file(), page
    tutorial = (html / "tutorials" / "bptt-node-by-node.html").read_text()
    assert "0.76159416" in tutorial  # its code ran: tanh(1) of the worked step
