"""All six schedulers train on the same task and land in one figure."""

import json

from experiments import schedulers_study
from schedulers import SCHEDULERS


def test_quick_run_covers_every_scheduler(tmp_path):
    schedulers_study.run(out=tmp_path, quick=True, seed=0)
    written = json.loads((tmp_path / "metrics.json").read_text())
    assert len(written["schedulers"]) == len(SCHEDULERS) == 6
    for rule, summary in written["schedulers"].items():
        assert summary["diverged"] == 0, rule
        curve = written["curves"][rule]["0"]
        assert len(curve) == written["epochs"]
        assert summary["final_loss"]["mean"] == curve[-1] < curve[0], rule
    assert (tmp_path / "training_curves.png").read_bytes()[:4] == b"\x89PNG"
