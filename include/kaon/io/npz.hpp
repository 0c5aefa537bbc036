// SPDX-License-Identifier: MIT
// NumPy's .npz format: a ZIP archive with one "<name>.npy" member per array, as numpy.savez writes
// and numpy.load reads. save_npz writes an uncompressed (STORED) archive; load_npz reads STORED
// members in archive order through the central directory and checks each CRC-32. Compressed
// archives (np.savez_compressed), ZIP64 and encrypted archives are refused with kaon::IOError.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kaon/core/error.hpp"
#include "kaon/core/tensor.hpp"
#include "kaon/io/named_tensors.hpp"
#include "kaon/io/npy.hpp"

namespace kaon::io {
namespace detail {

/// CRC-32 as ZIP uses it (reflected polynomial 0xEDB88320); crc32("123456789") == 0xCBF43926.
inline constexpr std::array<std::uint32_t, 256> crc32_table = [] {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1U) != 0 ? 0xEDB88320U ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}();

inline std::uint32_t crc32(std::string_view bytes) {
  std::uint32_t c = 0xFFFFFFFFU;
  for (const char b : bytes)
    c = crc32_table[(c ^ static_cast<unsigned char>(b)) & 0xFFU] ^ (c >> 8);
  return c ^ 0xFFFFFFFFU;
}

inline std::string hex32(std::uint32_t v) {
  constexpr std::string_view digits = "0123456789abcdef";
  std::string s = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) s += digits[(v >> shift) & 0xFU];
  return s;
}

inline constexpr std::uint32_t zip_local_sig = 0x04034b50;
inline constexpr std::uint32_t zip_central_sig = 0x02014b50;
inline constexpr std::uint32_t zip_end_sig = 0x06054b50;
inline constexpr std::uint32_t zip64_locator_sig = 0x07064b50;
inline constexpr std::size_t zip_local_size = 30;
inline constexpr std::size_t zip_central_size = 46;
inline constexpr std::size_t zip_end_size = 22;
inline constexpr std::uint16_t zip_version = 20;       // 2.0: STORED members, directories
inline constexpr std::uint16_t zip_dos_date = 0x21;    // 1980-01-01, so output is reproducible
inline constexpr std::uint16_t zip_utf8_flag = 0x800;  // the name is UTF-8 (bit 11)

/// The fields a local header and a central directory entry share, from "version needed" on.
inline void put_zip_entry_fields(std::string& out, std::uint16_t flags, std::uint32_t crc,
                                 std::uint32_t size, std::uint16_t name_len) {
  put_le<std::uint16_t>(out, zip_version);
  put_le<std::uint16_t>(out, flags);
  put_le<std::uint16_t>(out, 0);  // method: STORED
  put_le<std::uint16_t>(out, 0);  // time 00:00:00
  put_le<std::uint16_t>(out, zip_dos_date);
  put_le<std::uint32_t>(out, crc);
  put_le<std::uint32_t>(out, size);  // compressed size
  put_le<std::uint32_t>(out, size);  // uncompressed size
  put_le<std::uint16_t>(out, name_len);
  put_le<std::uint16_t>(out, 0);  // extra field length
}

}  // namespace detail

namespace detail {
/// Writes `count` members as an uncompressed .npz archive; member(i) gives the i-th name (without
/// ".npy") and its .npy bytes, made one at a time so that only the archive is held whole.
template <class Member>
void write_npz(const std::string& path, std::size_t count, const Member& member_at) {
  const Source src{"save_npz", quoted(path)};
  if (count >= std::numeric_limits<std::uint16_t>::max())
    src.fail(count, " arrays need a ZIP64 archive, which kaon does not write (at most ",
             std::numeric_limits<std::uint16_t>::max() - 1, ")");
  constexpr std::uint64_t zip32_max = std::numeric_limits<std::uint32_t>::max();
  std::set<std::string> seen;
  std::string archive, central;
  for (std::size_t i = 0; i < count; ++i) {
    const auto [name, data] = member_at(i);
    KAON_CHECK(seen.insert(name).second, ValueError, "save_npz: ", quoted(path), ": the name '",
               name, "' appears twice");
    const std::string member = name + ".npy";
    if (member.size() > std::numeric_limits<std::uint16_t>::max())
      src.fail("the name of member '", name.substr(0, 40), "...' is too long for ZIP");
    if (archive.size() + data.size() + member.size() + zip_local_size > zip32_max)
      src.fail("member '", member, "' ends past 4 GiB, which needs ZIP64 (not supported)");
    const bool ascii = std::all_of(member.begin(), member.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    const std::uint16_t flags = ascii ? 0 : zip_utf8_flag;
    const auto crc = crc32(data);
    const auto size = static_cast<std::uint32_t>(data.size());
    const auto name_len = static_cast<std::uint16_t>(member.size());
    const auto offset = static_cast<std::uint32_t>(archive.size());

    put_le(archive, zip_local_sig);
    put_zip_entry_fields(archive, flags, crc, size, name_len);
    archive += member;
    archive += data;

    put_le(central, zip_central_sig);
    put_le<std::uint16_t>(central, (3U << 8) | zip_version);  // made by: Unix
    put_zip_entry_fields(central, flags, crc, size, name_len);
    put_le<std::uint16_t>(central, 0);               // comment length
    put_le<std::uint16_t>(central, 0);               // disk number
    put_le<std::uint16_t>(central, 0);               // internal attributes
    put_le<std::uint32_t>(central, 0100644U << 16);  // external: a regular file, rw-r--r--
    put_le(central, offset);
    central += member;
  }
  if (archive.size() + central.size() > zip32_max)
    src.fail("the archive exceeds 4 GiB, which needs ZIP64 (not supported)");
  const auto n = static_cast<std::uint16_t>(count);
  const auto central_offset = static_cast<std::uint32_t>(archive.size());
  archive += central;
  put_le(archive, zip_end_sig);
  put_le<std::uint16_t>(archive, 0);  // this disk
  put_le<std::uint16_t>(archive, 0);  // disk with the central directory
  put_le(archive, n);
  put_le(archive, n);
  put_le(archive, static_cast<std::uint32_t>(central.size()));
  put_le(archive, central_offset);
  put_le<std::uint16_t>(archive, 0);  // comment length
  write_file(path, archive, src);
}

/// The name and .npy bytes of one named tensor, refusing an undefined one.
template <class T, class D>
std::pair<std::string, std::string> npz_member(const std::string& path,
                                               const std::pair<std::string, Tensor<T, D>>& entry) {
  KAON_CHECK(entry.second.defined(), ValueError, "save_npz: ", quoted(path), ": the tensor '",
             entry.first, "' is undefined");
  return {entry.first, to_npy_bytes(entry.second)};
}
}  // namespace detail

/// Writes named tensors to `path` as an uncompressed .npz archive that numpy.load reads
/// (members "<name>.npy", in order): `kaon::io::save_npz("model.npz", model.state_dict());`.
template <class T, class D = cpu>
void save_npz(const std::string& path, const NamedTensors<T, D>& tensors) {
  detail::write_npz(path, tensors.size(),
                    [&](std::size_t i) { return detail::npz_member(path, tensors[i]); });
}
/// A module's state: its T entries, then its int64 buffers stored as int64.
template <class T, class D = cpu>
void save_npz(const std::string& path, const StateDict<T, D>& state) {
  const std::size_t n = state.size();
  detail::write_npz(path, n + state.int64.size(), [&](std::size_t i) {
    return i < n ? detail::npz_member(path, state[i])
                 : detail::npz_member(path, state.int64[i - n]);
  });
}

namespace detail {
/// Reads the .npz archive at `path` and calls each(name, npy_bytes, source) for every member in
/// archive order (the name without ".npy"); `op` names the caller in errors.
template <class Each>
void read_npz(const std::string& path, const char* op, const Each& each) {
  using detail::get_le;
  const detail::Source src{op, detail::quoted(path)};
  const std::string bytes = detail::read_file(path, src);
  const std::size_t size = bytes.size();
  const char* b = bytes.data();

  // The end-of-central-directory record is the last 22 bytes plus a comment of up to 64 KiB.
  std::size_t end = std::string::npos;
  for (std::size_t pos = size >= detail::zip_end_size ? size - detail::zip_end_size + 1 : 0;
       pos-- > 0 && size - pos <= detail::zip_end_size + 0xFFFF;) {
    if (get_le<std::uint32_t>(b + pos) == detail::zip_end_sig &&
        pos + detail::zip_end_size + get_le<std::uint16_t>(b + pos + 20) == size) {
      end = pos;
      break;
    }
  }
  if (end == std::string::npos)
    src.fail("no end-of-central-directory record: not a zip archive, or truncated (", size,
             " bytes)");
  const std::uint16_t disk = get_le<std::uint16_t>(b + end + 4);
  const std::uint16_t central_disk = get_le<std::uint16_t>(b + end + 6);
  const std::uint16_t disk_entries = get_le<std::uint16_t>(b + end + 8);
  const std::uint16_t entries = get_le<std::uint16_t>(b + end + 10);
  const std::uint32_t central_size = get_le<std::uint32_t>(b + end + 12);
  const std::uint32_t central_offset = get_le<std::uint32_t>(b + end + 16);
  if ((end >= 20 && get_le<std::uint32_t>(b + end - 20) == detail::zip64_locator_sig) ||
      entries == 0xFFFF || central_size == 0xFFFFFFFF || central_offset == 0xFFFFFFFF)
    src.fail("ZIP64 archives (over 65534 members or 4 GiB) are not supported");
  if (disk != 0 || central_disk != 0 || disk_entries != entries)
    src.fail("multi-disk (split) archives are not supported");
  if (std::uint64_t{central_offset} + central_size > end)
    src.fail("the central directory (", central_size, " bytes at offset ", central_offset,
             ") lies outside the archive's ", end, " bytes: truncated or corrupt");

  std::size_t pos = central_offset;
  const std::size_t central_end = std::size_t{central_offset} + central_size;
  for (std::uint16_t i = 0; i < entries; ++i) {
    if (central_end - pos < detail::zip_central_size ||
        get_le<std::uint32_t>(b + pos) != detail::zip_central_sig)
      src.fail("bad central directory entry ", i, " at offset ", pos, ": corrupt archive");
    const std::uint16_t flags = get_le<std::uint16_t>(b + pos + 8);
    const std::uint16_t method = get_le<std::uint16_t>(b + pos + 10);
    const std::uint32_t crc = get_le<std::uint32_t>(b + pos + 16);
    const std::uint32_t stored_size = get_le<std::uint32_t>(b + pos + 20);
    const std::uint32_t full_size = get_le<std::uint32_t>(b + pos + 24);
    const std::uint16_t name_len = get_le<std::uint16_t>(b + pos + 28);
    const std::size_t entry_len = detail::zip_central_size + name_len +
                                  get_le<std::uint16_t>(b + pos + 30) +
                                  get_le<std::uint16_t>(b + pos + 32);
    const std::uint32_t local = get_le<std::uint32_t>(b + pos + 42);
    if (central_end - pos < entry_len)
      src.fail("central directory entry ", i, " runs past the directory: corrupt archive");
    const std::string_view member(b + pos + detail::zip_central_size, name_len);
    pos += entry_len;

    const detail::Source msrc{op, detail::quoted(path) + ", member '" + std::string(member) + "'"};
    if ((flags & 1U) != 0) msrc.fail("encrypted members are not supported");
    if (method == 8)
      msrc.fail("compressed npz (np.savez_compressed) is not supported; use np.savez");
    if (method != 0) msrc.fail("compression method ", method, " is not supported; use np.savez");
    if (stored_size == 0xFFFFFFFF || full_size == 0xFFFFFFFF || local == 0xFFFFFFFF)
      msrc.fail("ZIP64 members are not supported");
    if (stored_size != full_size)
      msrc.fail("a STORED member with different stored and full sizes: corrupt archive");
    if (std::size_t{local} + detail::zip_local_size > central_offset ||
        get_le<std::uint32_t>(b + local) != detail::zip_local_sig)
      msrc.fail("bad local header at offset ", local, ": corrupt archive");
    // The local header's sizes may be placeholders (numpy.savez adds ZIP64 extras there); the
    // central directory's are authoritative, the local one gives only where the data starts.
    const std::uint16_t local_name_len = get_le<std::uint16_t>(b + local + 26);
    const std::size_t data_at = std::size_t{local} + detail::zip_local_size + local_name_len +
                                get_le<std::uint16_t>(b + local + 28);
    if (data_at > central_offset || central_offset - data_at < stored_size)
      msrc.fail("the data (", stored_size, " bytes at offset ", data_at,
                ") runs into the central directory: truncated or corrupt");
    if (std::string_view(b + local + detail::zip_local_size, local_name_len) != member)
      msrc.fail("the local header names another member: corrupt archive");
    const std::string_view data(b + data_at, stored_size);
    const std::uint32_t actual = detail::crc32(data);
    if (actual != crc)
      msrc.fail("CRC-32 mismatch (stored ", detail::hex32(crc), ", computed ",
                detail::hex32(actual), "): the archive is corrupt");
    if (!member.ends_with(".npy")) msrc.fail("the member is not an .npy array");
    each(std::string(member.substr(0, member.size() - 4)), data, msrc);
  }
}
}  // namespace detail

/// Reads an .npz archive written by numpy.savez (or save_npz): the arrays in archive order, named
/// without ".npy", converted to T: `for (auto& [name, t] : kaon::io::load_npz("m.npz")) ...`.
/// io::load_npz_mixed (io/npz_mixed.hpp) keeps each array in its own dtype.
template <Element T = float>
NamedTensors<T, cpu> load_npz(const std::string& path) {
  NamedTensors<T, cpu> out;
  detail::read_npz(path, "load_npz",
                   [&](std::string name, std::string_view data, const detail::Source& src) {
                     out.emplace_back(std::move(name), detail::decode_npy<T>(data, src));
                   });
  return out;
}

}  // namespace kaon::io
