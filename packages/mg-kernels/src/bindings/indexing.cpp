// gather, scatter, index_offsets, count_nonzero, nonzero, sort, argsort and searchsorted. The
// kernels validate before they touch memory and never touch Python objects, so each call runs
// entirely with the GIL released; an exception is translated once the GIL is back.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <vector>

#include "bindings.hpp"
#include "mg/gather.hpp"
#include "mg/sort.hpp"
#include "mg/storage.hpp"

namespace py = pybind11;

namespace mg::bindings {
namespace {

using Strides = std::vector<std::int64_t>;

void gather(Storage& out, std::int64_t out_offset, Storage& src, std::int64_t src_offset,
            const Strides& src_strides, const Strides& shape, const Storage& offsets,
            std::int64_t offsets_offset, std::int64_t count) {
  require_writable(out, "gather out");
  const py::gil_scoped_release release;
  mg::gather(out, out_offset, {src, src_offset, src_strides}, shape,
             {offsets, offsets_offset, count});
}

void scatter(Storage& dst, std::int64_t dst_offset, const Strides& dst_strides,
             const Strides& shape, Storage& values, std::int64_t values_offset,
             const Strides& values_strides, const Storage& offsets, std::int64_t offsets_offset,
             std::int64_t count, bool accumulate) {
  require_writable(dst, "scatter dst");
  const py::gil_scoped_release release;
  mg::scatter({dst, dst_offset, dst_strides}, shape, {values, values_offset, values_strides},
              {offsets, offsets_offset, count}, accumulate);
}

void index_offsets(Storage& out, std::int64_t out_offset, Storage& indices,
                   std::int64_t indices_offset, const Strides& indices_strides,
                   const Strides& shape, std::int64_t size, std::int64_t axis, std::int64_t stride,
                   bool accumulate) {
  require_writable(out, "index_offsets out");
  const py::gil_scoped_release release;
  mg::index_offsets(out, out_offset, {indices, indices_offset, indices_strides}, shape, size, axis,
                    stride, accumulate);
}

std::int64_t count_nonzero(Storage& src, std::int64_t src_offset, const Strides& src_strides,
                           const Strides& shape) {
  const py::gil_scoped_release release;
  return mg::count_nonzero({src, src_offset, src_strides}, shape);
}

void nonzero(Storage& out, std::int64_t out_offset, Storage& src, std::int64_t src_offset,
             const Strides& src_strides, const Strides& shape, std::int64_t count) {
  require_writable(out, "nonzero out");
  const py::gil_scoped_release release;
  mg::nonzero(out, out_offset, {src, src_offset, src_strides}, shape, count);
}

void sort(Storage& out, std::int64_t out_offset, const Strides& out_strides, Storage& src,
          std::int64_t src_offset, const Strides& src_strides, const Strides& shape,
          bool descending) {
  require_writable(out, "sort out");
  const py::gil_scoped_release release;
  mg::sort({out, out_offset, out_strides}, {src, src_offset, src_strides}, shape, descending);
}

void argsort(Storage& out, std::int64_t out_offset, const Strides& out_strides, Storage& src,
             std::int64_t src_offset, const Strides& src_strides, const Strides& shape,
             bool descending) {
  require_writable(out, "argsort out");
  const py::gil_scoped_release release;
  mg::argsort({out, out_offset, out_strides}, {src, src_offset, src_strides}, shape, descending);
}

void searchsorted(Storage& out, std::int64_t out_offset, const Strides& out_strides,
                  Storage& sorted, std::int64_t sorted_offset, std::int64_t sorted_stride,
                  std::int64_t n, Storage& values, std::int64_t values_offset,
                  const Strides& values_strides, const Strides& shape, bool right) {
  require_writable(out, "searchsorted out");
  const Strides sorted_strides = {sorted_stride};
  const py::gil_scoped_release release;
  mg::searchsorted({out, out_offset, out_strides}, {sorted, sorted_offset, sorted_strides}, n,
                   {values, values_offset, values_strides}, shape, right);
}

}  // namespace

void register_indexing(py::module_& m) {
  m.def("gather", &gather, py::arg("out"), py::arg("out_offset"), py::arg("src"),
        py::arg("src_offset"), py::arg("src_strides"), py::arg("shape"), py::arg("offsets"),
        py::arg("offsets_offset"), py::arg("count"),
        "Read out[i, r] = src[src_offset + offsets[i] + r . src_strides] for i < count and r\n"
        "over `shape`; out is dense (C order) from out_offset, offsets a dense int64 run from\n"
        "offsets_offset. out and src share a dtype (TypeError). IndexError naming the first\n"
        "offset that reaches outside src's storage, raised before anything is written.");
  m.def("scatter", &scatter, py::arg("dst"), py::arg("dst_offset"), py::arg("dst_strides"),
        py::arg("shape"), py::arg("values"), py::arg("values_offset"), py::arg("values_strides"),
        py::arg("offsets"), py::arg("offsets_offset"), py::arg("count"),
        py::arg("accumulate") = false,
        "Write dst[dst_offset + offsets[i] + r . dst_strides] = values[i, r] (accumulate: +=,\n"
        "in dst's dtype, integers wrap, bool is or) in order over i < count and r over `shape`;\n"
        "values has len(shape) + 1 strides. A repeated offset sums (np.add.at) or keeps the last\n"
        "value (a[idx] = v). Same dtype (TypeError); IndexError before any write for an offset\n"
        "outside dst's storage. values must not overlap dst.");
  m.def("index_offsets", &index_offsets, py::arg("out"), py::arg("out_offset"), py::arg("indices"),
        py::arg("indices_offset"), py::arg("indices_strides"), py::arg("shape"), py::arg("size"),
        py::arg("axis"), py::arg("stride"), py::arg("accumulate") = false,
        "out[j] = (or += with accumulate) stride * i for the j-th index i of `indices` (any\n"
        "integer dtype, strided over `shape`), a negative i counting from the end of an axis of\n"
        "length `size`. out is dense int64 from out_offset. IndexError 'index 5 is out of bounds\n"
        "for axis 0 with size 3' before any write; TypeError for a non-integer dtype.");
  m.def("count_nonzero", &count_nonzero, py::arg("src"), py::arg("src_offset"),
        py::arg("src_strides"), py::arg("shape"),
        "The number of nonzero elements of the strided src (NaN counts, -0.0 does not).");
  m.def("nonzero", &nonzero, py::arg("out"), py::arg("out_offset"), py::arg("src"),
        py::arg("src_offset"), py::arg("src_strides"), py::arg("shape"), py::arg("count"),
        "Write the coordinates of src's nonzero elements, in C order, into the dense int64 out:\n"
        "len(shape) rows of `count` entries (row d: coordinate d). count must equal\n"
        "count_nonzero(...) (ValueError otherwise).");
  m.def("sort", &sort, py::arg("out"), py::arg("out_offset"), py::arg("out_strides"),
        py::arg("src"), py::arg("src_offset"), py::arg("src_strides"), py::arg("shape"),
        py::arg("descending") = false,
        "Sort src along the last axis of `shape` into out (same dtype, TypeError otherwise):\n"
        "stable, NaNs last (first when descending, which keeps equal elements in order too);\n"
        "float16/bfloat16 compare as floats. out may be the very view src.");
  m.def("argsort", &argsort, py::arg("out"), py::arg("out_offset"), py::arg("out_strides"),
        py::arg("src"), py::arg("src_offset"), py::arg("src_strides"), py::arg("shape"),
        py::arg("descending") = false,
        "Write into the int64 out the indices that sort src along the last axis (sort's order).");
  m.def("searchsorted", &searchsorted, py::arg("out"), py::arg("out_offset"),
        py::arg("out_strides"), py::arg("sorted"), py::arg("sorted_offset"),
        py::arg("sorted_stride"), py::arg("n"), py::arg("values"), py::arg("values_offset"),
        py::arg("values_strides"), py::arg("shape"), py::arg("right") = false,
        "Write into the int64 out (over `shape`) each value's insertion point in the 1-d sorted\n"
        "(n elements, one stride), NaNs ordered last: the first position whose element is not\n"
        "less than the value (right: greater). values share sorted's dtype (TypeError).");
}

}  // namespace mg::bindings
