#pragma once
// A minimal, bounds-checked reader for the Python pickles that hold numpy arrays (protocols 0-5 as
// written by pickle/cPickle for dicts of lists, ints, strings and numpy.ndarray). It executes no code:
// globals are recorded by name, and only numpy's array reconstruction and codecs.encode are interpreted.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tnas {

struct PyValue;
using PyRef = std::shared_ptr<PyValue>;

struct PyValue {
  enum class Kind { kNone, kBool, kInt, kFloat, kStr, kBytes, kList, kTuple, kDict, kGlobal, kObject };
  Kind kind = Kind::kNone;
  int64_t i = 0;                              // kBool, kInt
  double f = 0;                               // kFloat
  std::string s;                              // kStr (utf-8), kBytes (raw), kGlobal ("module.name")
  std::vector<PyRef> items;                   // kList, kTuple; kObject: [callable, args, state]
  std::vector<std::pair<PyRef, PyRef>> dict;  // kDict, insertion order

  // Value of key `name` (a str or bytes key) in a dict, or nullptr.
  PyRef get(const std::string& name) const;
};

// A numpy array decoded from a pickle: dtype string as numpy writes it (e.g. "u1", "<i8"), shape, raw bytes.
struct NumpyArray {
  std::string dtype;
  std::vector<int64_t> shape;
  bool fortran_order = false;
  std::string data;
  int64_t size() const;
};

// Throws tnas::Error("<what>: ...") for malformed input; `what` names the file in messages.
PyRef read_pickle(const std::vector<uint8_t>& bytes, const std::string& what);

// The array held by `value` (an unpickled numpy.ndarray), or throws tnas::Error.
NumpyArray as_numpy_array(const PyRef& value, const std::string& what);
// Integers from a Python list/tuple of ints or an integer numpy array.
std::vector<int64_t> as_int_vector(const PyRef& value, const std::string& what);
// Converts numeric array bytes of the given dtype to int64 (integer dtypes only).
std::vector<int64_t> numpy_to_int64(const NumpyArray& a, const std::string& what);

}  // namespace tnas
