"""mg-kernels: typed storage and strided C++ SIMD kernels with run-time ISA dispatch.

The layer under mg-core; see docs/kernels.md. Everything here comes from the extension module
`mg_kernels._mg_kernels`, typed by its stub.

>>> import mg_kernels as mk
>>> a = mk.Storage.from_list("float32", [1.0, 2.0, 3.0])
>>> out = mk.Storage("float32", 3)
>>> mk.binary(mk.BinaryOp.MUL, out, 0, [1], a, 0, [1], a, 0, [1], [3])
>>> out.tolist()
[1.0, 4.0, 9.0]
>>> [d.name for d in mk.dtypes()][:4]
['bool', 'int8', 'int16', 'int32']
>>> h = mk.Storage("float16", 3)
>>> mk.copy(h, 0, [1], out, 0, [1], [3])
>>> h.tolist()
[1.0, 4.0, 9.0]
"""

from mg_kernels._mg_kernels import (
    ArgReduceOp,
    BinaryOp,
    DTypeInfo,
    ReduceOp,
    ScanOp,
    Storage,
    UnaryOp,
    __abi_version__,
    __version__,
    arg_reduce,
    argsort,
    available_isas,
    bfloat16_matmul_engine,
    binary,
    binary_new,
    clip,
    copy,
    count_nonzero,
    dtypes,
    from_dlpack,
    gather,
    get_num_threads,
    has_amx_bf16,
    index_offsets,
    isa,
    logsumexp,
    matmul,
    mean_var,
    nonzero,
    reduce,
    reduce_sum,
    scan,
    scatter,
    searchsorted,
    set_isa,
    set_num_threads,
    sort,
    sum_all,
    to_dlpack,
    unary,
    unary_new,
    where,
)

__all__ = [
    "ArgReduceOp",
    "BinaryOp",
    "DTypeInfo",
    "ReduceOp",
    "ScanOp",
    "Storage",
    "UnaryOp",
    "__abi_version__",
    "__version__",
    "arg_reduce",
    "argsort",
    "available_isas",
    "bfloat16_matmul_engine",
    "binary",
    "binary_new",
    "clip",
    "copy",
    "count_nonzero",
    "dtypes",
    "from_dlpack",
    "gather",
    "get_num_threads",
    "has_amx_bf16",
    "index_offsets",
    "isa",
    "logsumexp",
    "matmul",
    "mean_var",
    "nonzero",
    "reduce",
    "reduce_sum",
    "scan",
    "scatter",
    "searchsorted",
    "set_isa",
    "set_num_threads",
    "sort",
    "sum_all",
    "to_dlpack",
    "unary",
    "unary_new",
    "where",
]
