"""Typed stub of the C++ extension `mg_kernels._mg_kernels` (the contract mg-core codes against)."""

import enum
from collections.abc import Sequence
from typing import Final

__version__: Final[str]
__abi_version__: Final[int]

class BinaryOp(enum.IntEnum):
    """Elementwise binary operations of `binary`."""

    ADD = 0
    SUB = 1
    MUL = 2
    DIV = 3
    POW = 4
    FLOOR_DIVIDE = 5
    REMAINDER = 6
    MAXIMUM = 7
    MINIMUM = 8
    ATAN2 = 9
    COPYSIGN = 10
    HYPOT = 11
    LOGADDEXP = 12
    EQUAL = 13
    NOT_EQUAL = 14
    LESS = 15
    LESS_EQUAL = 16
    GREATER = 17
    GREATER_EQUAL = 18
    LOGICAL_AND = 19
    LOGICAL_OR = 20
    LOGICAL_XOR = 21
    BITWISE_AND = 22
    BITWISE_OR = 23
    BITWISE_XOR = 24
    LEFT_SHIFT = 25
    RIGHT_SHIFT = 26

# unary family
class UnaryOp(enum.IntEnum):
    """Elementwise unary operations of `unary`."""

    NEGATIVE = 0
    ABS = 1
    SIGN = 2
    SQRT = 3
    RECIPROCAL = 4
    SQUARE = 5
    EXP = 6
    EXP2 = 7
    EXPM1 = 8
    LOG = 9
    LOG2 = 10
    LOG10 = 11
    LOG1P = 12
    SIN = 13
    COS = 14
    TAN = 15
    TANH = 16
    SINH = 17
    COSH = 18
    ASIN = 19
    ACOS = 20
    ATAN = 21
    ERF = 22
    SIGMOID = 23
    RELU = 24
    FLOOR = 25
    CEIL = 26
    TRUNC = 27
    ROUND = 28
    ISNAN = 29
    ISINF = 30
    ISFINITE = 31
    LOGICAL_NOT = 32
    BITWISE_INVERT = 33

class DTypeInfo:
    """One row of the dtype table (see `dtypes`)."""

    @property
    def name(self) -> str: ...
    @property
    def itemsize(self) -> int: ...
    @property
    def kind(self) -> str:
        """NumPy's dtype.kind: 'b' bool, 'i' signed int, 'u' unsigned int, 'f' floating."""
    @property
    def alignment(self) -> int: ...
    @property
    def format(self) -> str | None:
        """Buffer-protocol format of Storage views; None for bfloat16."""

def dtypes() -> list[DTypeInfo]: ...

class Storage:
    """A flat, 64-byte aligned, typed block of memory (a `VecBuffer<T>`), zero-filled.

    Exposes the buffer protocol (1-d, writable), so `memoryview(s)` and `numpy.asarray(s)`
    view it without a copy. dtype names: see `dtypes()`. A bfloat16 storage refuses the buffer
    protocol (BufferError); use `tobytes`/`from_bytes`.
    Raises TypeError for an unsupported dtype name, ValueError for a negative size,
    MemoryError when the allocation fails.
    """

    def __init__(self, dtype: str, size: int) -> None: ...
    @staticmethod
    def empty(dtype: str, size: int) -> Storage: ...
    @staticmethod
    def filled(dtype: str, size: int, value: float) -> Storage: ...
    @staticmethod
    def from_list(dtype: str, values: Sequence[float]) -> Storage: ...
    @staticmethod
    def from_buffer(obj: object, *, copy: bool = False) -> Storage: ...
    @staticmethod
    def from_bytes(dtype: str, obj: object) -> Storage: ...
    def tobytes(self) -> bytes: ...
    @property
    def dtype(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def itemsize(self) -> int: ...
    @property
    def nbytes(self) -> int: ...
    @property
    def readonly(self) -> bool: ...
    @property
    def foreign(self) -> bool: ...
    @property
    def data_ptr(self) -> int: ...
    def __len__(self) -> int: ...
    def get_item(self, index: int) -> float: ...
    def set_item(self, index: int, value: float) -> None: ...
    def tolist(self) -> list[float]: ...
    def __buffer__(self, flags: int, /) -> memoryview: ...

def binary(
    op: BinaryOp | int,
    out: Storage,
    out_offset: int,
    out_strides: Sequence[int],
    a: Storage,
    a_offset: int,
    a_strides: Sequence[int],
    b: Storage,
    b_offset: int,
    b_strides: Sequence[int],
    shape: Sequence[int],
    /,
) -> None: ...
def binary_new(
    op: BinaryOp | int,
    a: Storage,
    a_offset: int,
    a_strides: Sequence[int],
    b: Storage,
    b_offset: int,
    b_strides: Sequence[int],
    shape: Sequence[int],
    /,
) -> Storage: ...
def reduce_sum(
    out: Storage,
    out_offset: int,
    out_strides: Sequence[int],
    src: Storage,
    src_offset: int,
    src_strides: Sequence[int],
    shape: Sequence[int],
    /,
) -> None: ...
def sum_all(
    src: Storage,
    src_offset: int,
    src_strides: Sequence[int],
    shape: Sequence[int],
    /,
) -> Storage: ...
def copy(
    out: Storage,
    out_offset: int,
    out_strides: Sequence[int],
    src: Storage,
    src_offset: int,
    src_strides: Sequence[int],
    shape: Sequence[int],
    /,
) -> None: ...
def where(
    out: Storage,
    out_offset: int,
    out_strides: Sequence[int],
    cond: Storage,
    cond_offset: int,
    cond_strides: Sequence[int],
    a: Storage,
    a_offset: int,
    a_strides: Sequence[int],
    b: Storage,
    b_offset: int,
    b_strides: Sequence[int],
    shape: Sequence[int],
) -> None: ...
def clip(
    out: Storage,
    out_offset: int,
    out_strides: Sequence[int],
    x: Storage,
    x_offset: int,
    x_strides: Sequence[int],
    lo: Storage,
    lo_offset: int,
    lo_strides: Sequence[int],
    hi: Storage,
    hi_offset: int,
    hi_strides: Sequence[int],
    shape: Sequence[int],
) -> None: ...

# reduce family

class ReduceOp(enum.IntEnum):
    """Reductions of `reduce`."""

    SUM = 0
    PROD = 1
    MAX = 2
    MIN = 3
    ALL = 4
    ANY = 5

class ArgReduceOp(enum.IntEnum):
    """Index reductions of `arg_reduce`."""

    ARGMAX = 0
    ARGMIN = 1

class ScanOp(enum.IntEnum):
    """Cumulative operations of `scan`."""

    CUMSUM = 0
    CUMPROD = 1

def reduce(
    op: ReduceOp,
    out: Storage,
    out_offset: int,
    out_strides: Sequence[int],
    src: Storage,
    src_offset: int,
    src_strides: Sequence[int],
    shape: Sequence[int],
) -> None: ...
def unary(
    op: UnaryOp | int,
    out: Storage,
    out_offset: int,
    out_strides: Sequence[int],
    src: Storage,
    src_offset: int,
    src_strides: Sequence[int],
    shape: Sequence[int],
    /,
) -> None: ...
def unary_new(
    op: UnaryOp | int,
    src: Storage,
    src_offset: int,
    src_strides: Sequence[int],
    shape: Sequence[int],
    /,
) -> Storage: ...
def arg_reduce(
    op: ArgReduceOp,
    out: Storage,
    out_offset: int,
    out_strides: Sequence[int],
    src: Storage,
    src_offset: int,
    src_strides: Sequence[int],
    shape: Sequence[int],
) -> None: ...
def scan(
    op: ScanOp,
    out: Storage,
    out_offset: int,
    out_strides: Sequence[int],
    src: Storage,
    src_offset: int,
    src_strides: Sequence[int],
    shape: Sequence[int],
) -> None: ...
def mean_var(
    mean: Storage,
    mean_offset: int,
    mean_strides: Sequence[int],
    var: Storage,
    var_offset: int,
    var_strides: Sequence[int],
    src: Storage,
    src_offset: int,
    src_strides: Sequence[int],
    shape: Sequence[int],
    ddof: int = 0,
) -> None: ...
def logsumexp(
    out: Storage,
    out_offset: int,
    out_strides: Sequence[int],
    src: Storage,
    src_offset: int,
    src_strides: Sequence[int],
    shape: Sequence[int],
) -> None: ...

# Indexing family (src/bindings/indexing.cpp).
def gather(
    out: Storage,
    out_offset: int,
    src: Storage,
    src_offset: int,
    src_strides: Sequence[int],
    shape: Sequence[int],
    offsets: Storage,
    offsets_offset: int,
    count: int,
) -> None: ...
def scatter(
    dst: Storage,
    dst_offset: int,
    dst_strides: Sequence[int],
    shape: Sequence[int],
    values: Storage,
    values_offset: int,
    values_strides: Sequence[int],
    offsets: Storage,
    offsets_offset: int,
    count: int,
    accumulate: bool = False,
) -> None: ...
def index_offsets(
    out: Storage,
    out_offset: int,
    indices: Storage,
    indices_offset: int,
    indices_strides: Sequence[int],
    shape: Sequence[int],
    size: int,
    axis: int,
    stride: int,
    accumulate: bool = False,
) -> None: ...
def count_nonzero(
    src: Storage, src_offset: int, src_strides: Sequence[int], shape: Sequence[int]
) -> int: ...
def nonzero(
    out: Storage,
    out_offset: int,
    src: Storage,
    src_offset: int,
    src_strides: Sequence[int],
    shape: Sequence[int],
    count: int,
) -> None: ...
def sort(
    out: Storage,
    out_offset: int,
    out_strides: Sequence[int],
    src: Storage,
    src_offset: int,
    src_strides: Sequence[int],
    shape: Sequence[int],
    descending: bool = False,
) -> None: ...
def argsort(
    out: Storage,
    out_offset: int,
    out_strides: Sequence[int],
    src: Storage,
    src_offset: int,
    src_strides: Sequence[int],
    shape: Sequence[int],
    descending: bool = False,
) -> None: ...
def searchsorted(
    out: Storage,
    out_offset: int,
    out_strides: Sequence[int],
    sorted: Storage,
    sorted_offset: int,
    sorted_stride: int,
    n: int,
    values: Storage,
    values_offset: int,
    values_strides: Sequence[int],
    shape: Sequence[int],
    right: bool = False,
) -> None: ...
def isa() -> str: ...
def available_isas() -> list[str]: ...
def set_isa(name: str) -> None: ...
def has_amx_bf16() -> bool: ...
def bfloat16_matmul_engine() -> str: ...

# Threads (src/parallel.cpp, src/bindings/module.cpp).
def set_num_threads(n: int) -> None: ...
def get_num_threads() -> int: ...

# DLPack (src/bindings/dlpack.cpp); capsules are typed `object` (types.CapsuleType is 3.13+).
def to_dlpack(
    storage: Storage,
    offset: int,
    shape: Sequence[int],
    strides: Sequence[int],
    *,
    versioned: bool = True,
    copied: bool = False,
) -> object: ...
def from_dlpack(capsule: object) -> tuple[Storage, int, list[int], list[int]]: ...

# gemm family (src/bindings/linalg.cpp).
def matmul(
    out: Storage,
    out_offset: int,
    out_strides: Sequence[int],
    out_shape: Sequence[int],
    a: Storage,
    a_offset: int,
    a_strides: Sequence[int],
    a_shape: Sequence[int],
    b: Storage,
    b_offset: int,
    b_strides: Sequence[int],
    b_shape: Sequence[int],
) -> None: ...
