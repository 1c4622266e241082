"""Operand validation of binary, reduce_sum and copy: typed errors that state the facts."""

from __future__ import annotations

import mg_kernels as mk
import pytest

Op = mk.BinaryOp


def storages(n: int = 10, dtype: str = "float32") -> tuple[mk.Storage, mk.Storage, mk.Storage]:
    return mk.Storage(dtype, n), mk.Storage(dtype, n), mk.Storage(dtype, n)


def test_view_past_the_end_names_operand_offset_shape_strides_and_size() -> None:
    out, a, b = storages()
    with pytest.raises(ValueError, match=r"'a'") as info:
        mk.binary(Op.ADD, out, 0, [5, 1], a, 1, [5, 1], b, 0, [5, 1], [2, 5])
    message = str(info.value)
    for fact in ("offset 1", "shape (2, 5)", "strides (5, 1)", "size 10"):
        assert fact in message


def test_negative_strides_below_zero_are_rejected() -> None:
    out, a, b = storages()
    with pytest.raises(ValueError, match=r"'b'.*strides \(-1,\)"):
        mk.binary(Op.ADD, out, 0, [1], a, 0, [1], b, 3, [-1], [5])
    mk.binary(Op.ADD, out, 0, [1], a, 0, [1], b, 4, [-1], [5])


def test_stride_count_must_match_shape() -> None:
    out, a, b = storages()
    with pytest.raises(ValueError, match=r"'out'.*len\(strides\) = 1 but len\(shape\) = 2"):
        mk.binary(Op.ADD, out, 0, [1], a, 0, [2, 1], b, 0, [2, 1], [5, 2])


def test_negative_offsets_and_shapes_are_rejected() -> None:
    out, a, b = storages()
    with pytest.raises(ValueError, match="negative offset"):
        mk.binary(Op.ADD, out, 0, [1], a, -1, [1], b, 0, [1], [5])
    with pytest.raises(ValueError, match="negative"):
        mk.binary(Op.ADD, out, 0, [1], a, 0, [1], b, 0, [1], [-5])


def test_empty_shapes_skip_the_bounds_check() -> None:
    out, a, b = storages(0)
    mk.binary(Op.ADD, out, 0, [1], a, 0, [1], b, 0, [1], [0])
    mk.reduce_sum(out, 0, [0], a, 0, [1], [0])
    mk.copy(out, 0, [1], a, 0, [1], [0])


def test_dtype_mismatch_is_a_type_error_naming_the_dtypes() -> None:
    out, a, _ = storages()
    b = mk.Storage("int32", 10)
    with pytest.raises(TypeError, match=r"float32.*int32"):
        mk.binary(Op.ADD, out, 0, [1], a, 0, [1], b, 0, [1], [10])
    with pytest.raises(TypeError, match=r"out float32, src int32"):
        mk.reduce_sum(out, 0, [0], b, 0, [1], [10])


def test_reduce_and_copy_validate_too() -> None:
    out, src, _ = storages()
    with pytest.raises(ValueError, match=r"'src'"):
        mk.reduce_sum(out, 0, [0], src, 0, [2], [10])
    with pytest.raises(ValueError, match=r"'out'"):
        mk.copy(out, 5, [1], src, 0, [1], [10])


def test_too_many_dimensions_are_rejected() -> None:
    out, a, b = storages(1)
    ones = [1] * 65
    with pytest.raises(ValueError, match="at most 64"):
        mk.binary(Op.ADD, out, 0, ones, a, 0, ones, b, 0, ones, ones)
