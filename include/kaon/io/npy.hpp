// SPDX-License-Identifier: MIT
// NumPy's .npy format: save_npy writes one tensor as numpy.save does (format 1.0, byte for byte),
// load_npy reads what numpy.save writes (format 1.0, 2.0 and 3.0; dtypes <f4 <f8 <i8 <i4 |b1 |u1,
// converted to the tensor's element type). Every malformed file throws kaon::IOError naming the
// file and the problem. to_npy_bytes / from_npy_bytes do the same in memory (.npz members).
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include "kaon/backend/cpu/backend.hpp"
#include "kaon/core/error.hpp"
#include "kaon/core/shape.hpp"
#include "kaon/core/tensor.hpp"
#include "kaon/ops/copy.hpp"

namespace kaon::io {
namespace detail {

/// Starts every error message with the operation and the source: "load_npy: 'a.npy': ...".
struct Source {
  const char* op;
  std::string name;

  template <class... Parts>
  [[noreturn]] void fail(const Parts&... parts) const {
    throw IOError(kaon::detail::concat(op, ": ", name, ": ", parts...));
  }
};

inline std::string quoted(const std::string& path) { return "'" + path + "'"; }

/// The message of the last failed open: "No such file or directory", "Permission denied".
inline std::string errno_message(int err) {
  return err != 0 ? std::error_code(err, std::generic_category()).message() : "unknown error";
}

inline std::string read_file(const std::string& path, const Source& src) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) src.fail("is a directory, not a file");
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) src.fail("cannot open the file for reading: ", errno_message(errno));
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size < 0 || !in) src.fail("cannot determine the file's size");
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.read(bytes.data(), size);
  if (!in) src.fail("read error after ", in.gcount(), " of ", size, " bytes");
  return bytes;
}

/// A name for a temporary file beside `path`, unlikely to be another writer's.
inline std::string temp_name(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  unsigned salt = counter++;
  try {
    salt ^= std::random_device{}();
  } catch (const std::exception&) {  // no entropy source: the counter and the clock then
    salt ^= static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count());
  }
  return path + ".kaon-tmp-" + std::to_string(salt);
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`: a process killed
/// mid-save, or a full disk, leaves the previous file whole (a rename within a folder is atomic).
/// A killed save can leave its `.kaon-tmp-*` file behind. The data is not fsync'ed, so the promise
/// covers a killed process, not a power cut; a symbolic link at `path` is replaced, not followed.
inline void write_file(const std::string& path, std::string_view bytes, const Source& src) {
  const std::string temp = temp_name(path);
  errno = 0;
  std::ofstream out(temp, std::ios::binary | std::ios::trunc);
  if (!out) src.fail("cannot open the file for writing: ", errno_message(errno));
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  std::error_code ec;
  if (!out) {
    std::filesystem::remove(temp, ec);
    src.fail("write error after opening the file (disk full?)");
  }
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    std::filesystem::remove(temp, ec);
    src.fail("cannot replace the file with the one written: ", ec.message());
  }
}

/// A U stored little-endian at p (p need not be aligned).
template <class U>
U get_le(const char* p) {
  std::array<char, sizeof(U)> b;
  std::memcpy(b.data(), p, sizeof(U));
  if constexpr (std::endian::native == std::endian::big) std::reverse(b.begin(), b.end());
  return std::bit_cast<U>(b);
}

template <class U>
void put_le(std::string& out, U v) {
  auto b = std::bit_cast<std::array<char, sizeof(U)>>(v);
  if constexpr (std::endian::native == std::endian::big) std::reverse(b.begin(), b.end());
  out.append(b.data(), b.size());
}

inline constexpr std::string_view npy_magic{"\x93NUMPY", 6};
inline constexpr std::size_t npy_align = 64;

/// NumPy's dtype string for a kaon element type.
template <class T>
constexpr const char* npy_descr() {
  if constexpr (std::is_same_v<T, float>)
    return "<f4";
  else if constexpr (std::is_same_v<T, double>)
    return "<f8";
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return "<i8";
  else
    return "|b1";
}

/// The dtypes load_npy reads, with their item sizes.
enum class NpyType { f4, f8, i8, i4, b1, u1 };
struct NpyDtype {
  std::string_view descr;
  NpyType type;
  std::size_t itemsize;
};
inline constexpr std::array<NpyDtype, 6> npy_dtypes{{{"<f4", NpyType::f4, 4},
                                                     {"<f8", NpyType::f8, 8},
                                                     {"<i8", NpyType::i8, 8},
                                                     {"<i4", NpyType::i4, 4},
                                                     {"|b1", NpyType::b1, 1},
                                                     {"|u1", NpyType::u1, 1}}};

struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  std::vector<std::int64_t> shape;
};

/// Reads the header, a Python dict literal such as
/// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
class NpyHeaderParser {
 public:
  NpyHeaderParser(std::string_view text, const Source& src) : text_(text), src_(src) {}

  NpyHeader parse() {
    NpyHeader h;
    std::array<bool, 3> seen{};
    expect('{');
    while (peek() != '}') {
      const std::string key = string_literal();
      expect(':');
      std::size_t which = 0;
      if (key == "descr") {
        if (peek() != '\'' && peek() != '"')
          fail("'descr' is not a dtype string (structured arrays are not supported)");
        h.descr = string_literal();
      } else if (key == "fortran_order") {
        which = 1;
        h.fortran_order = boolean();
      } else if (key == "shape") {
        which = 2;
        h.shape = tuple();
      } else {
        fail("unexpected key '", key, "'");
      }
      if (seen[which]) fail("key '", key, "' appears twice");
      seen[which] = true;
      if (peek() == ',')
        ++pos_;
      else if (peek() != '}')
        fail("expected ',' or '}' at offset ", pos_);
    }
    ++pos_;
    skip_space();
    if (pos_ != text_.size()) fail("unexpected text after the closing '}' at offset ", pos_);
    for (std::size_t i = 0; i < seen.size(); ++i) {
      constexpr std::array<const char*, 3> keys{"descr", "fortran_order", "shape"};
      if (!seen[i]) fail("missing key '", keys[i], "'");
    }
    return h;
  }

 private:
  template <class... Parts>
  [[noreturn]] void fail(const Parts&... parts) const {
    std::string shown(text_.substr(0, 120));
    for (char& c : shown)
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
    src_.fail("header does not parse: ", parts..., " in \"", shown, "\"");
  }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\t' || text_[pos_] == '\r'))
      ++pos_;
  }
  char peek() {
    skip_space();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  void expect(char c) {
    if (peek() != c) fail("expected '", c, "' at offset ", pos_);
    ++pos_;
  }
  std::string string_literal() {
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a quoted string at offset ", pos_);
    const std::size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string_view::npos) fail("unterminated string at offset ", pos_);
    std::string s(text_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return s;
  }
  bool boolean() {
    peek();
    for (const auto& [word, value] : {std::pair{"True", true}, std::pair{"False", false}}) {
      if (text_.substr(pos_).starts_with(word)) {
        pos_ += std::string_view(word).size();
        return value;
      }
    }
    fail("expected True or False at offset ", pos_);
  }
  std::int64_t integer() {
    peek();
    const std::size_t start = pos_;
    std::int64_t v = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      const int digit = text_[pos_++] - '0';
      if (v > (std::numeric_limits<std::int64_t>::max() - digit) / 10)
        fail("dimension too large at offset ", start);
      v = v * 10 + digit;
    }
    if (pos_ == start) fail("expected a non-negative integer at offset ", start);
    if (pos_ < text_.size() && text_[pos_] == 'L') ++pos_;  // Python 2 longs
    return v;
  }
  std::vector<std::int64_t> tuple() {
    std::vector<std::int64_t> dims;
    expect('(');
    bool trailing_comma = false;
    while (peek() != ')') {
      dims.push_back(integer());
      trailing_comma = peek() == ',';
      if (trailing_comma)
        ++pos_;
      else if (peek() != ')')
        fail("expected ',' or ')' in the shape at offset ", pos_);
    }
    ++pos_;
    if (dims.size() == 1 && !trailing_comma) fail("the shape is not a tuple (write '(n,)')");
    return dims;
  }

  std::string_view text_;
  const Source& src_;
  std::size_t pos_ = 0;
};

inline std::string python_shape(const Shape& shape) {
  std::string s = "(";
  for (int i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

template <class T>
void append_element(std::string& out, T v) {
  if constexpr (std::is_same_v<T, bool>)
    out += v ? '\x01' : '\x00';
  else
    put_le(out, v);
}

/// Appends a cpu tensor's elements in C order, whatever its strides, as little-endian bytes.
template <class T>
void append_elements(std::string& out, const Tensor<T, cpu>& t) {
  const std::int64_t n = t.numel();
  if (n == 0) return;
  const T* p = t.data_ptr();
  if constexpr (!std::is_same_v<T, bool> && std::endian::native == std::endian::little) {
    if (t.is_contiguous()) {
      out.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n) * sizeof(T));
      return;
    }
  }
  out.reserve(out.size() + static_cast<std::size_t>(n) * sizeof(T));
  // Walks the multi-index in C order, keeping the storage offset of the current element.
  const Shape& shape = t.shape();
  const Shape& strides = t.strides();
  Shape index = Shape::filled(t.dim(), 0);
  std::int64_t offset = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    append_element(out, p[offset]);
    for (int d = t.dim() - 1; d >= 0; --d) {
      offset += strides[d];
      if (++index[d] < shape[d]) break;
      offset -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
}

/// One file element of type U (bool: a byte, true when non-zero) as T, as static_cast converts;
/// floats outside int64's range (NaN, inf, |x| >= 2^63) have no int64 value and are an error.
template <class T, class U>
T convert_element(U v, std::int64_t index, const Source& src) {
  if constexpr (std::is_same_v<T, std::int64_t> && std::is_floating_point_v<U>) {
    if (!(v >= -0x1p63 && v < 0x1p63))
      src.fail("element ", index, " (", v, ") has no int64 value; load it as float or double");
  }
  return static_cast<T>(v);
}

template <class T, class U>
void decode_elements(const char* p, T* out, std::int64_t n, const Source& src) {
  if constexpr (std::is_same_v<T, U> && !std::is_same_v<T, bool> &&
                std::endian::native == std::endian::little) {
    if (n > 0) std::memcpy(out, p, static_cast<std::size_t>(n) * sizeof(T));
  } else {
    for (std::int64_t i = 0; i < n; ++i) {
      if constexpr (std::is_same_v<U, bool>) {
        out[i] = static_cast<T>(p[i] != 0);
      } else {
        out[i] =
            convert_element<T>(get_le<U>(p + i * static_cast<std::int64_t>(sizeof(U))), i, src);
      }
    }
  }
}

/// What an .npy image's preamble and header say: the header, the stored dtype and where the
/// header ends. Fails on a bad magic, version, truncation or a dtype kaon does not read.
struct NpyLayout {
  NpyHeader header;
  const NpyDtype* dtype;
  std::size_t prefix, header_len;
};
inline NpyLayout read_npy_layout(std::string_view bytes, const Source& src) {
  const std::size_t size = bytes.size();
  if (bytes.substr(0, npy_magic.size()) != npy_magic.substr(0, std::min(size, npy_magic.size())))
    src.fail("not an .npy file (bad magic string; expected \\x93NUMPY)");
  if (size < 10) src.fail("truncated: ", size, " bytes is shorter than the 10-byte preamble");
  const int major = static_cast<unsigned char>(bytes[6]);
  const int minor = static_cast<unsigned char>(bytes[7]);
  if (!(major >= 1 && major <= 3 && minor == 0))
    src.fail("unsupported .npy format version ", major, ".", minor,
             " (kaon reads 1.0, 2.0 and 3.0)");
  const std::size_t prefix = major == 1 ? 10 : 12;
  if (size < prefix) src.fail("truncated: ", size, " bytes is shorter than the preamble");
  const std::size_t header_len = major == 1 ? get_le<std::uint16_t>(bytes.data() + 8)
                                            : get_le<std::uint32_t>(bytes.data() + 8);
  if (size - prefix < header_len)
    src.fail("truncated header: the header needs ", header_len, " bytes after the preamble, ",
             size - prefix, " are left");
  const NpyHeader h = NpyHeaderParser(bytes.substr(prefix, header_len), src).parse();

  if (h.descr.starts_with('>'))
    src.fail("big-endian data ('", h.descr, "') is not supported; save it little-endian, e.g. ",
             "arr.astype(arr.dtype.newbyteorder('<'))");
  const auto dtype = std::find_if(npy_dtypes.begin(), npy_dtypes.end(),
                                  [&](const NpyDtype& d) { return d.descr == h.descr; });
  if (dtype == npy_dtypes.end())
    src.fail("unsupported dtype '", h.descr, "' (kaon reads <f4, <f8, <i8, <i4, |b1 and |u1)");
  return {h, &*dtype, prefix, header_len};
}

/// Parses a whole .npy image (header and data) into a fresh cpu tensor of T.
template <Element T>
Tensor<T, cpu> decode_npy(std::string_view bytes, const Source& src) {
  const std::size_t size = bytes.size();
  const auto [h, dtype, prefix, header_len] = read_npy_layout(bytes, src);
  if (h.fortran_order)
    src.fail(
        "Fortran-order (column-major) arrays are not supported; save "
        "np.ascontiguousarray(arr) instead");
  if (h.shape.size() > static_cast<std::size_t>(kMaxDims))
    src.fail("the array has ", h.shape.size(), " dimensions; kaon supports at most ", kMaxDims);

  const Shape shape{std::span<const std::int64_t>(h.shape)};
  // The product of the sizes (zeros counted as ones) bounds the element count and every stride
  // of the tensor, so checking it first keeps the shape arithmetic below from overflowing.
  std::int64_t extent = 1;
  for (const std::int64_t d : h.shape) {
    const std::int64_t at_least_one = std::max<std::int64_t>(d, 1);
    if (extent > std::numeric_limits<std::int64_t>::max() / at_least_one)
      src.fail("shape ", shape, " is too large (its sizes multiply past 2^63)");
    extent *= at_least_one;
  }
  const std::size_t left = size - prefix - header_len;
  const auto count = static_cast<std::uint64_t>(shape.numel());
  if (count > left / dtype->itemsize)
    src.fail("truncated data: shape ", shape, " of ", h.descr, " needs ", count, " x ",
             dtype->itemsize, " bytes, ", left, " are left");
  const std::uint64_t need = count * dtype->itemsize;
  if (need < left)
    src.fail("shape ", shape, " of ", h.descr, " needs ", need, " data bytes but ", left,
             " follow the header (element count does not match the data)");

  Tensor<T, cpu> t(shape);
  const char* data = bytes.data() + prefix + header_len;
  switch (dtype->type) {
    case NpyType::f4:
      decode_elements<T, float>(data, t.data_ptr(), t.numel(), src);
      break;
    case NpyType::f8:
      decode_elements<T, double>(data, t.data_ptr(), t.numel(), src);
      break;
    case NpyType::i8:
      decode_elements<T, std::int64_t>(data, t.data_ptr(), t.numel(), src);
      break;
    case NpyType::i4:
      decode_elements<T, std::int32_t>(data, t.data_ptr(), t.numel(), src);
      break;
    case NpyType::b1:
      decode_elements<T, bool>(data, t.data_ptr(), t.numel(), src);
      break;
    case NpyType::u1:
      decode_elements<T, std::uint8_t>(data, t.data_ptr(), t.numel(), src);
      break;
  }
  return t;
}

}  // namespace detail

/// The .npy image of a tensor, byte for byte what numpy.save writes for the same array
/// (format 1.0, C order, little-endian; dtype <f4, <f8, <i8 or |b1).
template <class T, class D>
std::string to_npy_bytes(const Tensor<T, D>& t) {
  KAON_CHECK(t.defined(), ValueError, "to_npy_bytes: the tensor is undefined");
  if constexpr (!std::is_same_v<D, cpu>) {
    return to_npy_bytes(t.detach().contiguous().template to<cpu>());
  } else {
    // NumPy's header: the dict, spare spaces so the first dim can grow in place, then spaces and
    // a final newline so the data starts on a 64-byte boundary.
    std::string header = std::string("{'descr': '") + detail::npy_descr<T>() +
                         "', 'fortran_order': False, 'shape': " + detail::python_shape(t.shape()) +
                         ", }";
    constexpr std::size_t growth_axis_max_digits = 21;
    if (t.dim() > 0) header.append(growth_axis_max_digits - std::to_string(t.size(0)).size(), ' ');
    const std::size_t unpadded = detail::npy_magic.size() + 4 + header.size() + 1;
    header.append(detail::npy_align - unpadded % detail::npy_align, ' ');
    header += '\n';

    std::string out(detail::npy_magic);
    out += '\x01';
    out += '\x00';
    detail::put_le(out, static_cast<std::uint16_t>(header.size()));
    out += header;
    detail::append_elements(out, t);
    return out;
  }
}

/// Writes t to `path` as an .npy file that numpy.load reads: `kaon::io::save_npy("w.npy", w);`.
template <class T, class D>
void save_npy(const std::string& path, const Tensor<T, D>& t) {
  KAON_CHECK(t.defined(), ValueError, "save_npy: the tensor for '", path, "' is undefined");
  detail::write_file(path, to_npy_bytes(t), {"save_npy", detail::quoted(path)});
}

/// Parses an in-memory .npy image; `what` names it in error messages.
template <Element T = float>
Tensor<T, cpu> from_npy_bytes(std::string_view bytes, const std::string& what) {
  return detail::decode_npy<T>(bytes, {"from_npy_bytes", what});
}

/// Reads an .npy file written by numpy.save (or save_npy) into a cpu tensor of T, converting the
/// file's dtype as static_cast does: `auto w = kaon::io::load_npy<double>("w.npy");`.
template <Element T = float>
Tensor<T, cpu> load_npy(const std::string& path) {
  const detail::Source src{"load_npy", detail::quoted(path)};
  return detail::decode_npy<T>(detail::read_file(path, src), src);
}

}  // namespace kaon::io
