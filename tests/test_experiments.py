"""The demo runs end to end from the command line and writes what it promises."""

import json
import subprocess
import sys

from experiments import sine


def test_sine_quick_writes_metrics_and_figures(tmp_path):
    metrics = sine.run(out=tmp_path, quick=True, seed=0)
    written = json.loads((tmp_path / "metrics.json").read_text())
    assert written["next_step_mse_vs_clean"] == metrics["next_step_mse_vs_clean"]
    assert len(written["history"]["loss"]) == metrics["epochs"]
    for figure in ("training_curve.png", "predictions.png"):
        assert (tmp_path / figure).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # even 4 epochs on 64 series beat repeating the last observed value
    assert metrics["extrapolation_mse"] < metrics["persistence_mse"]
    assert metrics["history"]["loss"][-1] < metrics["history"]["loss"][0]


def test_command_line_lists_and_runs(tmp_path):
    listed = subprocess.run([sys.executable, "-m", "experiments", "list"],
                            capture_output=True, text=True, check=True)
    assert "sine" in listed.stdout
    ran = subprocess.run(
        [sys.executable, "-m", "experiments", "sine", "--quick", "--out", str(tmp_path)],
        capture_output=True, text=True, check=True,
    )
    assert "extrapolation_mse" in ran.stdout
    assert (tmp_path / "metrics.json").exists()
