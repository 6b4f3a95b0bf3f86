#include "datasets/formats/python_pickle.h"

#include <cstring>

#include "basics/error.h"

namespace tnas {
namespace {

PyRef make(PyValue::Kind kind) {
  auto v = std::make_shared<PyValue>();
  v->kind = kind;
  return v;
}

PyRef make_int(int64_t i) {
  auto v = make(PyValue::Kind::kInt);
  v->i = i;
  return v;
}

PyRef make_text(PyValue::Kind kind, std::string s) {
  auto v = make(kind);
  v->s = std::move(s);
  return v;
}

class Unpickler {
 public:
  Unpickler(const std::vector<uint8_t>& b, const std::string& what) : b_(b), what_(what) {}

  PyRef run() {
    while (true) {
      const uint8_t op = u8();
      switch (op) {
        case 0x80:
          u8();
          break;  // PROTO
        case 0x95:
          take(8);
          break;  // FRAME (length; frames are just inline data)
        case '.':
          return pop();  // STOP
        case '(':
          marks_.push_back(stack_.size());
          break;
        case '}':
          push(make(PyValue::Kind::kDict));
          break;
        case ']':
          push(make(PyValue::Kind::kList));
          break;
        case ')':
          push(make(PyValue::Kind::kTuple));
          break;
        case 't': {
          auto t = make(PyValue::Kind::kTuple);
          t->items = pop_to_mark();
          push(t);
          break;
        }
        case 'l': {
          auto l = make(PyValue::Kind::kList);
          l->items = pop_to_mark();
          push(l);
          break;
        }
        case 'd': {
          auto items = pop_to_mark();
          if (items.size() % 2) fail("DICT with an odd number of items");
          auto d = make(PyValue::Kind::kDict);
          for (size_t k = 0; k < items.size(); k += 2) d->dict.emplace_back(items[k], items[k + 1]);
          push(d);
          break;
        }
        case 0x85:
        case 0x86:
        case 0x87: {  // TUPLE1..3
          const size_t n = op - 0x84;
          auto t = make(PyValue::Kind::kTuple);
          need(n);
          t->items.assign(stack_.end() - n, stack_.end());
          stack_.resize(stack_.size() - n);
          push(t);
          break;
        }
        case 'N':
          push(make(PyValue::Kind::kNone));
          break;
        case 0x88:
        case 0x89: {
          auto v = make(PyValue::Kind::kBool);
          v->i = op == 0x88;
          push(v);
          break;
        }
        case 'J': {
          int32_t v;
          std::memcpy(&v, take(4), 4);
          push(make_int(v));
          break;
        }
        case 'K':
          push(make_int(u8()));
          break;
        case 'M': {
          const uint8_t* p = take(2);
          push(make_int(p[0] | (p[1] << 8)));
          break;
        }
        case 0x8a: {  // LONG1: little-endian two's complement
          const uint8_t n = u8();
          if (n > 8) fail("LONG1 wider than 64 bits");
          const uint8_t* p = take(n);
          uint64_t v = 0;
          for (int k = n - 1; k >= 0; --k) v = (v << 8) | p[k];
          if (n > 0 && n < 8 && (p[n - 1] & 0x80)) v |= ~uint64_t(0) << (8 * n);
          push(make_int(static_cast<int64_t>(v)));
          break;
        }
        case 'I': {  // INT (text); "I01"/"I00" are bools in protocol 0
          const std::string line = read_line();
          try {
            push(make_int(std::stoll(line)));
          } catch (...) {
            fail("bad INT '" + line + "'");
          }
          break;
        }
        case 'G': {
          const uint8_t* p = take(8);
          uint64_t bits = 0;
          for (int k = 0; k < 8; ++k) bits = (bits << 8) | p[k];
          auto v = make(PyValue::Kind::kFloat);
          std::memcpy(&v->f, &bits, 8);
          push(v);
          break;
        }
        case 'X':
          push(make_text(PyValue::Kind::kStr, str(u32())));
          break;
        case 0x8c:
          push(make_text(PyValue::Kind::kStr, str(u8())));
          break;
        case 0x8d:
          push(make_text(PyValue::Kind::kStr, str(u64())));
          break;
        case 'T':
          push(make_text(PyValue::Kind::kBytes, str(u32())));
          break;  // py2 str = bytes
        case 'U':
          push(make_text(PyValue::Kind::kBytes, str(u8())));
          break;
        case 'B':
          push(make_text(PyValue::Kind::kBytes, str(u32())));
          break;
        case 'C':
          push(make_text(PyValue::Kind::kBytes, str(u8())));
          break;
        case 0x8e:
        case 0x96:
          push(make_text(PyValue::Kind::kBytes, str(u64())));
          break;
        case 'c': {
          const std::string module = read_line();
          push(make_text(PyValue::Kind::kGlobal, module + "." + read_line()));
          break;
        }
        case 0x93: {  // STACK_GLOBAL
          auto name = pop(), module = pop();
          if (name->kind != PyValue::Kind::kStr || module->kind != PyValue::Kind::kStr)
            fail("bad STACK_GLOBAL");
          push(make_text(PyValue::Kind::kGlobal, module->s + "." + name->s));
          break;
        }
        case 'q':
          put(u8());
          break;
        case 'r':
          put(u32());
          break;
        case 0x94:
          put(memo_.size());
          break;
        case 'p':
          put(text_index());
          break;
        case 'h':
          get(u8());
          break;
        case 'j':
          get(u32());
          break;
        case 'g':
          get(text_index());
          break;
        case 'a': {
          auto v = pop();
          list_top()->items.push_back(v);
          break;
        }
        case 'e': {
          auto items = pop_to_mark();
          auto l = list_top();
          l->items.insert(l->items.end(), items.begin(), items.end());
          break;
        }
        case 's': {
          auto v = pop(), k = pop();
          dict_top()->dict.emplace_back(k, v);
          break;
        }
        case 'u': {
          auto items = pop_to_mark();
          if (items.size() % 2) fail("SETITEMS with an odd number of items");
          auto d = dict_top();
          for (size_t k = 0; k < items.size(); k += 2) d->dict.emplace_back(items[k], items[k + 1]);
          break;
        }
        case 'R':
        case 0x81: {
          auto args = pop(), callable = pop();
          push(reduce(callable, args));
          break;
        }
        case 'b': {  // BUILD: obj.__setstate__(state)
          auto state = pop();
          auto obj = top();
          if (obj->kind != PyValue::Kind::kObject) fail("BUILD on a value that is not an object");
          obj->items.resize(3);
          obj->items[2] = state;
          break;
        }
        case '0':
          pop();
          break;
        case '1':
          pop_to_mark();
          break;
        case '2':
          push(top());
          break;
        default:
          fail("unsupported pickle opcode 0x" + hex(op));
      }
    }
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw Error(what_ + ": not a readable pickle at byte " + std::to_string(pos_) + ": " + why);
  }
  static std::string hex(uint8_t v) {
    const char* d = "0123456789abcdef";
    return {d[v >> 4], d[v & 15]};
  }
  const uint8_t* take(uint64_t n) {
    if (n > b_.size() - pos_) fail("truncated (needs " + std::to_string(n) + " more bytes)");
    const uint8_t* p = b_.data() + pos_;
    pos_ += n;
    return p;
  }
  uint8_t u8() { return *take(1); }
  uint32_t u32() {
    const uint8_t* p = take(4);
    return p[0] | (p[1] << 8) | (p[2] << 16) | (uint32_t(p[3]) << 24);
  }
  uint64_t u64() {
    const uint8_t* p = take(8);
    uint64_t v = 0;
    for (int k = 7; k >= 0; --k) v = (v << 8) | p[k];
    return v;
  }
  std::string str(uint64_t n) {
    const uint8_t* p = take(n);
    return std::string(reinterpret_cast<const char*>(p), n);
  }
  std::string read_line() {
    std::string s;
    while (true) {
      const uint8_t c = u8();
      if (c == '\n') return s;
      if (s.size() > 4096) fail("text line too long");
      s += static_cast<char>(c);
    }
  }
  size_t text_index() {
    const std::string line = read_line();
    try {
      return std::stoull(line);
    } catch (...) {
      fail("bad memo index '" + line + "'");
    }
  }
  void need(size_t n) const {
    if (stack_.size() < n || (!marks_.empty() && stack_.size() - n < marks_.back())) fail("stack underflow");
  }
  void push(PyRef v) { stack_.push_back(std::move(v)); }
  PyRef pop() {
    need(1);
    auto v = stack_.back();
    stack_.pop_back();
    return v;
  }
  PyRef top() const {
    need(1);
    return stack_.back();
  }
  std::vector<PyRef> pop_to_mark() {
    if (marks_.empty()) fail("no MARK on the stack");
    const size_t m = marks_.back();
    marks_.pop_back();
    if (m > stack_.size()) fail("corrupt MARK");
    std::vector<PyRef> items(stack_.begin() + m, stack_.end());
    stack_.resize(m);
    return items;
  }
  PyRef list_top() {
    auto t = top();
    if (t->kind != PyValue::Kind::kList) fail("APPEND to a non-list");
    return t;
  }
  PyRef dict_top() {
    auto t = top();
    if (t->kind != PyValue::Kind::kDict) fail("SETITEM on a non-dict");
    return t;
  }
  void put(size_t index) {
    if (index > memo_.size() + (1u << 20)) fail("memo index out of range");
    if (index >= memo_.size()) memo_.resize(index + 1);
    memo_[index] = top();
  }
  void get(size_t index) {
    if (index >= memo_.size() || !memo_[index]) fail("memo key " + std::to_string(index) + " not found");
    push(memo_[index]);
  }
  PyRef reduce(const PyRef& callable, const PyRef& args) {
    if (callable->kind != PyValue::Kind::kGlobal) fail("REDUCE of a value that is not a global");
    if (args->kind != PyValue::Kind::kTuple) fail("REDUCE arguments are not a tuple");
    if (callable->s == "_codecs.encode") {  // how Python 3 pickles bytes at protocol 2
      if (args->items.empty() || args->items[0]->kind != PyValue::Kind::kStr) fail("bad _codecs.encode call");
      return make_text(PyValue::Kind::kBytes, utf8_to_latin1(args->items[0]->s));
    }
    auto obj = make(PyValue::Kind::kObject);
    obj->items = {callable, args, nullptr};
    return obj;
  }
  std::string utf8_to_latin1(const std::string& u) {
    std::string out;
    out.reserve(u.size());
    for (size_t k = 0; k < u.size(); ++k) {
      const auto c = static_cast<uint8_t>(u[k]);
      if (c < 0x80) {
        out += static_cast<char>(c);
      } else if ((c & 0xE0) == 0xC0 && k + 1 < u.size() && c <= 0xC3) {
        out += static_cast<char>(((c & 0x1F) << 6) | (static_cast<uint8_t>(u[++k]) & 0x3F));
      } else {
        fail("latin-1 bytes expected in _codecs.encode");
      }
    }
    return out;
  }

  const std::vector<uint8_t>& b_;
  const std::string& what_;
  size_t pos_ = 0;
  std::vector<PyRef> stack_;
  std::vector<size_t> marks_;
  std::vector<PyRef> memo_;
};

bool is_text(const PyRef& v) {
  return v && (v->kind == PyValue::Kind::kStr || v->kind == PyValue::Kind::kBytes);
}

}  // namespace

PyRef PyValue::get(const std::string& name) const {
  for (const auto& [k, v] : dict)
    if (is_text(k) && k->s == name) return v;
  return nullptr;
}

int64_t NumpyArray::size() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

PyRef read_pickle(const std::vector<uint8_t>& bytes, const std::string& what) {
  return Unpickler(bytes, what).run();
}

NumpyArray as_numpy_array(const PyRef& value, const std::string& what) {
  auto bad = [&](const std::string& why) -> Error {
    return Error(what + ": not a numpy array (" + why + ")");
  };
  if (!value || value->kind != PyValue::Kind::kObject || value->items.size() != 3 || !value->items[2])
    throw bad("expected an unpickled ndarray");
  if (value->items[0]->s != "numpy.core.multiarray._reconstruct" &&
      value->items[0]->s != "numpy._core.multiarray._reconstruct")
    throw bad("constructed by " + value->items[0]->s);
  const PyRef& state = value->items[2];  // (version, shape, dtype, is_fortran, data)
  if (state->kind != PyValue::Kind::kTuple || state->items.size() != 5) throw bad("unexpected state");
  NumpyArray a;
  const PyRef& shape = state->items[1];
  if (shape->kind != PyValue::Kind::kTuple) throw bad("shape is not a tuple");
  for (const auto& d : shape->items) {
    if (d->kind != PyValue::Kind::kInt || d->i < 0 || d->i > (int64_t(1) << 40)) throw bad("bad dimension");
    a.shape.push_back(d->i);
  }
  const PyRef& dtype = state->items[2];
  if (dtype->kind != PyValue::Kind::kObject || dtype->items[1]->items.empty() ||
      !is_text(dtype->items[1]->items[0]))
    throw bad("bad dtype");
  a.dtype = dtype->items[1]->items[0]->s;  // e.g. "u1", "i8"
  // dtype state: (version, byte order, ...); byte order '<', '>', '|' or '='.
  if (dtype->items[2] && dtype->items[2]->kind == PyValue::Kind::kTuple &&
      dtype->items[2]->items.size() > 1 && is_text(dtype->items[2]->items[1])) {
    const std::string order = dtype->items[2]->items[1]->s;
    if (order == ">") throw bad("big-endian arrays are not supported");
  }
  a.fortran_order = state->items[3]->kind == PyValue::Kind::kBool && state->items[3]->i;
  if (!is_text(state->items[4])) throw bad("array data is not raw bytes (object arrays are not supported)");
  a.data = state->items[4]->s;
  int64_t item = 0;
  try {
    item = std::stoll(a.dtype.substr(1));
  } catch (...) {
    throw bad("dtype '" + a.dtype + "'");
  }
  if (item <= 0 || static_cast<int64_t>(a.data.size()) != a.size() * item)
    throw bad("data holds " + std::to_string(a.data.size()) + " bytes for shape of " +
              std::to_string(a.size()) + " x " + std::to_string(item));
  return a;
}

std::vector<int64_t> numpy_to_int64(const NumpyArray& a, const std::string& what) {
  std::string code = a.dtype;
  if (!code.empty() && (code[0] == '<' || code[0] == '|' || code[0] == '=')) code = code.substr(1);
  const int64_t n = a.size();
  std::vector<int64_t> out(n);
  const char* p = a.data.data();
  auto load = [&](auto tag) {
    using T = decltype(tag);
    if (static_cast<int64_t>(a.data.size()) != n * static_cast<int64_t>(sizeof(T)))
      throw Error(what + ": array data size does not match its shape");
    for (int64_t k = 0; k < n; ++k) {
      T v;
      std::memcpy(&v, p + k * sizeof(T), sizeof(T));
      out[k] = static_cast<int64_t>(v);
    }
  };
  if (code == "u1")
    load(uint8_t{});
  else if (code == "i1")
    load(int8_t{});
  else if (code == "u2")
    load(uint16_t{});
  else if (code == "i2")
    load(int16_t{});
  else if (code == "u4")
    load(uint32_t{});
  else if (code == "i4")
    load(int32_t{});
  else if (code == "i8")
    load(int64_t{});
  else if (code == "u8")
    load(uint64_t{});
  else
    throw Error(what + ": expected an integer array, got dtype '" + a.dtype + "'");
  return out;
}

std::vector<int64_t> as_int_vector(const PyRef& value, const std::string& what) {
  if (value && (value->kind == PyValue::Kind::kList || value->kind == PyValue::Kind::kTuple)) {
    std::vector<int64_t> out;
    out.reserve(value->items.size());
    for (const auto& v : value->items) {
      if (v->kind != PyValue::Kind::kInt) throw Error(what + ": expected a list of integers");
      out.push_back(v->i);
    }
    return out;
  }
  return numpy_to_int64(as_numpy_array(value, what), what);
}

}  // namespace tnas
