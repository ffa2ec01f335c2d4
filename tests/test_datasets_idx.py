"""The IDX reader on tiny files written here, and on the real MNIST test set when present."""

import gzip

import numpy as np
import pytest

from experiments.data import find_default
from rnn_nodes.datasets import load_mnist_idx, read_idx


def idx_bytes(magic, dims, payload):
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in dims)
    return header + bytes(payload)


@pytest.fixture
def tiny(tmp_path):
    """Three 2x3 images and their labels, images gzipped, labels plain."""
    pixels = np.arange(18, dtype=np.uint8) * 10
    images = tmp_path / "images.gz"
    images.write_bytes(gzip.compress(idx_bytes(2051, (3, 2, 3), pixels)))
    labels = tmp_path / "labels"
    labels.write_bytes(idx_bytes(2049, (3,), [7, 0, 9]))
    return images, labels, pixels.reshape(3, 2, 3)


def test_reads_gzipped_and_plain_files(tiny):
    images_path, labels_path, pixels = tiny
    images, labels = load_mnist_idx(images_path, labels_path)
    assert images.dtype == np.uint8 and images.shape == (3, 2, 3)
    np.testing.assert_array_equal(images, pixels)
    np.testing.assert_array_equal(labels, [7, 0, 9])


def test_gzip_is_detected_by_content_not_name(tmp_path):
    path = tmp_path / "labels.idx"  # gzipped, but no .gz suffix
    path.write_bytes(gzip.compress(idx_bytes(2049, (2,), [1, 2])))
    np.testing.assert_array_equal(read_idx(path, 2049), [1, 2])


def test_missing_file_names_the_path(tiny, tmp_path):
    images, _, _ = tiny
    absent = tmp_path / "nope-labels.gz"
    with pytest.raises(FileNotFoundError, match="nope-labels.gz"):
        load_mnist_idx(images, absent)


def test_swapped_files_fail_on_the_magic_number(tiny):
    images, labels, _ = tiny
    with pytest.raises(ValueError, match=r"labels'? has magic number 2049, expected 2051"):
        load_mnist_idx(labels, images)


@pytest.mark.parametrize("cut", [1, 2, 17])
def test_truncated_payload_names_the_file(tmp_path, cut):
    data = idx_bytes(2051, (3, 2, 3), range(18))
    path = tmp_path / "short-images"
    path.write_bytes(data[:-cut])
    with pytest.raises(ValueError, match=r"short-images' is truncated.*\(3, 2, 3\).*18 bytes"):
        read_idx(path, 2051)


def test_truncated_header_and_trailing_bytes(tmp_path):
    short = tmp_path / "header"
    short.write_bytes(idx_bytes(2051, (3, 2, 3), [])[:9])
    with pytest.raises(ValueError, match="header' is truncated: its header needs 16 bytes"):
        read_idx(short, 2051)
    long = tmp_path / "long"
    long.write_bytes(idx_bytes(2049, (2,), [1, 2, 3]))
    with pytest.raises(ValueError, match="longer than its header says"):
        read_idx(long, 2049)


def test_damaged_gzip_names_the_file(tmp_path):
    path = tmp_path / "broken.gz"
    path.write_bytes(gzip.compress(idx_bytes(2049, (4,), [1, 2, 3, 4]))[:-6])
    with pytest.raises(ValueError, match="broken.gz' is a damaged gzip file"):
        read_idx(path, 2049)


def test_count_mismatch_names_both_files(tmp_path, tiny):
    images, _, _ = tiny
    labels = tmp_path / "two-labels"
    labels.write_bytes(idx_bytes(2049, (2,), [1, 2]))
    with pytest.raises(ValueError, match=r"images.gz' holds 3 images but '.*two-labels' holds 2"):
        load_mnist_idx(images, labels)


MNIST = find_default("mnist")


@pytest.mark.skipif(MNIST is None, reason="shared data folder with mnist/ absent "
                    "(set RNN_NODES_DATA or place it at ../shared/data)")
def test_real_mnist_test_set():
    images, labels = load_mnist_idx(MNIST / "t10k-images-idx3-ubyte.gz",
                                    MNIST / "t10k-labels-idx1-ubyte.gz")
    assert images.shape == (10000, 28, 28) and labels.shape == (10000,)
    # the published first labels and class counts of the MNIST test set
    np.testing.assert_array_equal(labels[:10], [7, 2, 1, 0, 4, 1, 4, 9, 5, 9])
    np.testing.assert_array_equal(
        np.bincount(labels), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    assert images.min() == 0 and images.max() == 255
