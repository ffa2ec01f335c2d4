"""The summaries every experiment prints."""

import pytest

from experiments.common import format_mean_std, mean_std


def test_mean_std_is_the_sample_standard_deviation():
    summary = mean_std([1.0, 2.0, 6.0])
    assert summary["mean"] == 3.0 and summary["std"] == pytest.approx(2.6457513, rel=1e-7)
    assert mean_std([0.5])["std"] == 0.0


def test_format_mean_std():
    assert format_mean_std(mean_std([1.0, 2.0, 6.0])) == "3 ± 2.6"
    assert format_mean_std(mean_std([0.25])) == "0.25"
    # a rounding residue of equal values prints as 0
    residue = {"mean": 0.9733333333333334, "std": 1.4e-16, "values": [0.97] * 3}
    assert format_mean_std(residue) == "0.973 ± 0"
