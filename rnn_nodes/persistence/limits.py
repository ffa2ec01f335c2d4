"""The limits a model file must keep before anything it declares is allocated, and why.

Each limit is far above what a model this library trains writes, and low enough that a
file at the limit cannot exhaust a machine's memory: loading allocates at most a small
multiple of the file's own size (the arrays, once read; the network built around them),
plus the parse of a record of at most :data:`MAX_RECORD_BYTES`.
"""

MAX_RECORD_BYTES = 16 * 2**20
"""The JSON record, 16 MiB of UTF-8. A network's record takes a few kB; an estimator's
grows with ``history_`` (six numbers an epoch, about 150 bytes: 100,000 epochs fit)."""

MAX_RECORD_VALUES = 2**20
"""Commas and opening brackets in the record (about one per value): the parser makes a
Python object of each, so this, not the size, bounds its memory. A history takes six an
epoch: 170,000 epochs fit. The worst record tried at both limits, 2**20 short strings,
peaked at 188 MiB while parsed (``tracemalloc``, Python 3.11.7, 2026-12-03; a list of
2**20 floats: 32 MiB)."""

MAX_HEADER_BYTES = 64 * 2**20
"""The JSON header of a safetensors file: the record (escaped, at most twice its size)
and about 100 bytes per array. safetensors itself allows 100 MB."""

MAX_HEADER_VALUES = 32 * 2**14
"""Values in the header outside the record: at most 20 per array (its name, dtype, up to
8 sizes, two offsets)."""

MAX_DEPTH = 32
"""Nesting of the record's JSON (objects and lists). The deepest field a library writes
is 5 levels down (``network.layers[1].layer.activation``, the generator's state); Python's
parser recurses once per level, so 1,000 levels would be a ``RecursionError``."""

HEADER_DEPTH = 3
"""Nesting of a safetensors header: ``{name: {"shape": [...]}}``."""

MAX_ARRAYS = 2**14
"""Arrays in one file. A layer has at most 8 parameters (a bidirectional gated layer),
each with at most 2 scheduler states, and a checkpoint keeps the best weights as well:
at most 48 arrays a layer, so :data:`MAX_LAYERS` layers fit."""

MAX_LAYERS = 256
"""Layers in one network: far deeper than any recurrent stack trained."""

MAX_NDIM = 8
"""Axes of one array (the library's arrays have 1 or 2)."""

MAX_RATIO = 64
"""Uncompressed over compressed size of a deflated member of a legacy ``.npz`` file that
is larger than :data:`SMALL_MEMBER`. The library wrote its ``.npz`` files uncompressed
(ratio 1), and floating-point weights deflate by a few per cent at most; a deflated
run of zeros (a "zip bomb") reaches 1,000."""

SMALL_MEMBER = 2**16
"""Members of a legacy ``.npz`` file up to this size (64 kB uncompressed) may have any
compression ratio: a bias of zeros deflates 1,000 to 1, and cannot exhaust memory."""

MAX_NPY_HEADER = 10_000
"""The ``.npy`` header of a member of a legacy ``.npz`` file (numpy's own limit)."""

MAX_LABEL_LENGTH = 4096
"""Characters of one class label of a classifier (``classes_`` of dtype ``<U4096`` at
most): a label is a name, and numpy gives every label of an array the longest one's
size, so ``<U100000000`` would take 400 MB per label."""

MAX_STEP_COUNT = 2**63 - 1
"""A scheduler's step count (Adam's ``t``): an int64."""
