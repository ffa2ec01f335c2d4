"""The .ts reader on small files written here: values, labels, lengths, and every malformed case."""

import numpy as np
import pytest

from rnn_nodes.datasets.ts import load_ts

UNIVARIATE = """\
# a comment, then the header in mixed case
@problemName Tiny
@timeStamps false
@missing true
@univariate true
@equalLength true
@seriesLength 3
@classLabel true a b
@DATA
1,2,3:a

0.5, -1e-1 ,?:b
"""

MULTIVARIATE = """\
@problemName Ragged
@timeStamps false
@univariate false
@dimensions 2
@equalLength false
@classLabel true 1 2 3
@data
1,2,3:4,5,6:3
7,8:9,10:1
"""


def write(tmp_path, text, name="tiny_TRAIN.ts"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_univariate_values_labels_and_missing(tmp_path):
    data = load_ts(write(tmp_path, UNIVARIATE))
    assert data.problem_name == "Tiny" and data.class_labels == ("a", "b")
    np.testing.assert_array_equal(data.y, ["a", "b"])
    assert [x.shape for x in data.X] == [(3, 1), (3, 1)]
    np.testing.assert_array_equal(data.X[0][:, 0], [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(data.X[1][:, 0], [0.5, -0.1, np.nan])  # '?' is NaN


def test_multivariate_cases_of_different_lengths_are_time_first(tmp_path):
    data = load_ts(write(tmp_path, MULTIVARIATE))
    assert [x.shape for x in data.X] == [(3, 2), (2, 2)]
    np.testing.assert_array_equal(data.X[0], [[1, 4], [2, 5], [3, 6]])
    np.testing.assert_array_equal(data.X[1], [[7, 9], [8, 10]])
    np.testing.assert_array_equal(data.y, ["3", "1"])
    assert data.X[0].dtype == np.float64


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="absent.ts"):
        load_ts(tmp_path / "absent.ts")


@pytest.mark.parametrize("text, line, message", [
    (UNIVARIATE.replace("@missing true", "@colour blue"), 4, "unknown header keyword '@colour'"),
    (UNIVARIATE.replace("@univariate true", "@univariate yes"), 5, "must be true or false"),
    (UNIVARIATE.replace("@seriesLength 3", "@seriesLength three"), 7, "positive integer"),
    (UNIVARIATE.replace("@timeStamps false", "@timeStamps true"), 3, "not supported"),
    (UNIVARIATE.replace("@classLabel true a b", "@classLabel true"), 8, "names no labels"),
    (UNIVARIATE.replace("@classLabel true a b", "@classLabel false"), 8, "not supported"),
    (UNIVARIATE.replace("@classLabel true a b\n", ""), 8, "before any @classLabel"),
    (UNIVARIATE.replace("1,2,3:a", "1,x,3:a"), 10, "value 1 of dimension 0 is 'x'"),
    (UNIVARIATE.replace("1,2,3:a", "1,2,3:c"), 10, "class label 'c' is not one"),
    (UNIVARIATE.replace("1,2,3:a", "1,2,3"), 10, "no ':' before the class label"),
    (UNIVARIATE.replace("1,2,3:a", "1,2,3:4,5,6:a"), 10, "2 dimensions, expected 1"),
    (UNIVARIATE.replace("1,2,3:a", "1,2:a"), 10, "2 steps, but @equalLength true and "
                                                  "@seriesLength gives 3"),
    (UNIVARIATE.replace("1,2,3:a", ":a"), 10, "dimension 0 holds no values"),
    (UNIVARIATE + "@data\n", 13, "header line '@data' after @data"),
    (UNIVARIATE.replace("@DATA\n", "1,2,3:a\n@DATA\n"), 9, "a data line before @data"),
    (MULTIVARIATE.replace("7,8:9,10:1", "7,8:9,10,11:1"), 9, r"different lengths \[2, 3\]"),
    (MULTIVARIATE.replace("7,8:9,10:1", "7,8:1"), 9, "1 dimensions, expected 2"),
    (MULTIVARIATE.replace("@univariate false", "@univariate true"), 7,
     "@univariate true but @dimensions 2"),
])
def test_malformed_file_names_file_line_and_problem(tmp_path, text, line, message):
    path = write(tmp_path, text, "broken.ts")
    with pytest.raises(ValueError, match=rf"broken\.ts', line {line}: .*{message}"):
        load_ts(path)


def test_first_case_fixes_the_dimensions_when_the_header_does_not(tmp_path):
    text = MULTIVARIATE.replace("@dimensions 2\n", "").replace("7,8:9,10:1", "7,8:1")
    with pytest.raises(ValueError, match=r"line 8: 1 dimensions, expected 2"):
        load_ts(write(tmp_path, text, "broken.ts"))


@pytest.mark.parametrize("text, message", [
    (UNIVARIATE.split("@DATA")[0], "has no @data line"),
    (UNIVARIATE.split("@DATA")[0] + "@data\n# nothing\n", "has no cases after @data"),
])
def test_file_without_cases_names_the_file(tmp_path, text, message):
    with pytest.raises(ValueError, match=rf"broken\.ts' {message}"):
        load_ts(write(tmp_path, text, "broken.ts"))


def test_tabs_in_the_header_and_windows_line_ends_are_read(tmp_path):
    text = UNIVARIATE.replace("@classLabel true", "@classLabel\ttrue").replace("\n", "\r\n")
    assert load_ts(write(tmp_path, text)).class_labels == ("a", "b")


def test_bytes_that_are_not_utf8_name_the_file(tmp_path):
    path = tmp_path / "latin.ts"
    path.write_bytes(UNIVARIATE.replace("Tiny", "Caf\xe9").encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin\.ts' is not UTF-8"):
        load_ts(path)
