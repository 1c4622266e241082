"""The array-API manipulation functions (thin wrappers over Tensor views)."""

from __future__ import annotations

import mg_core as mg
import numpy as np


def test_functions_match_numpy() -> None:
    ref = np.arange(24).reshape(2, 3, 4)
    t = mg.asarray(ref)
    np.testing.assert_array_equal(np.asarray(mg.reshape(t, (4, -1))), ref.reshape(4, -1))
    np.testing.assert_array_equal(np.asarray(mg.reshape(t, 24)), ref.reshape(24))
    np.testing.assert_array_equal(
        np.asarray(mg.broadcast_to(t[:, :1], (2, 3, 4))), np.broadcast_to(ref[:, :1], (2, 3, 4))
    )
    np.testing.assert_array_equal(
        np.asarray(mg.permute_dims(t, (2, 0, 1))), np.permute_dims(ref, (2, 0, 1))
    )
    np.testing.assert_array_equal(np.asarray(mg.matrix_transpose(t)), np.matrix_transpose(ref))
    np.testing.assert_array_equal(np.asarray(mg.expand_dims(t, axis=1)), np.expand_dims(ref, 1))
    np.testing.assert_array_equal(
        np.asarray(mg.squeeze(t[:1], axis=0)), np.squeeze(ref[:1], axis=0)
    )
    a, b = mg.broadcast_arrays(mg.asarray(ref[:, :1]), mg.asarray(ref[0]))
    ra, rb = np.broadcast_arrays(ref[:, :1], ref[0])
    np.testing.assert_array_equal(np.asarray(a), ra)
    np.testing.assert_array_equal(np.asarray(b), rb)


def test_public_namespace() -> None:
    for name in mg.__all__:
        assert hasattr(mg, name)
        assert getattr(mg, name) is not None or name == "newaxis"  # the array API's None
    assert mg.__version__ == "0.1.0.dev0"
