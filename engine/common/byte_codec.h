// Little-endian binary encoding for what the engine keeps on disk: the journal's command
// records and the core's state snapshots. Fixed-width integers, and LEB128 varints (7 bits a
// byte) for the counts, indices and counters of a state, which are mostly small. The writer appends
// to a string; the reader checks every length against the bytes left, so a damaged or hostile input
// fails (ok() turns false and every later read returns zeros) instead of reading past the end or
// reserving huge buffers. Plain data; any thread.
#pragma once

#include <bit>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "switchboard/time.h"

namespace sb {

template <typename T>
void put_le(std::string& out, T value) {
  static_assert(std::is_integral_v<T>);
  using U = std::make_unsigned_t<T>;
  U v = static_cast<U>(value);
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    out.push_back(static_cast<char>(v & 0xFFu));
    v = static_cast<U>(v >> 8);
  }
}

template <typename T>
T get_le(const char* p) {
  static_assert(std::is_integral_v<T>);
  using U = std::make_unsigned_t<T>;
  U v = 0;
  for (std::size_t i = sizeof(T); i-- > 0;) {
    v = static_cast<U>((v << 8) | static_cast<unsigned char>(p[i]));
  }
  return static_cast<T>(v);
}

class ByteWriter {
 public:
  // Takes what was written so far; false when it cannot (a failed write to a file).
  using Sink = std::function<bool(std::string_view)>;

  explicit ByteWriter(std::string& out) : out_(out) {}
  // Writing a large output in pieces: checkpoint() hands the bytes so far to `sink` and clears
  // `out` once they reach `threshold`; finish() hands over the rest. Without a sink both do
  // nothing and everything stays in `out`.
  ByteWriter(std::string& out, Sink sink, std::size_t threshold)
      : out_(out), sink_(std::move(sink)), threshold_(threshold) {}
  void checkpoint() {
    if (sink_ && out_.size() >= threshold_) spill();
  }
  // False if the sink failed at any point.
  bool finish() {
    if (sink_ && !out_.empty()) spill();
    return sink_ok_;
  }
  void bytes(std::string_view b) { out_.append(b); }
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u16(std::uint16_t v) { put_le(out_, v); }
  void u32(std::uint32_t v) { put_le(out_, v); }
  void u64(std::uint64_t v) { put_le(out_, v); }
  void i32(std::int32_t v) { put_le(out_, v); }
  void i64(std::int64_t v) { put_le(out_, v); }
  void f64(double v) { put_le(out_, std::bit_cast<std::uint64_t>(v)); }
  void f32(float v) { put_le(out_, std::bit_cast<std::uint32_t>(v)); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  void time(Timestamp t) { i64(t.us); }
  void duration(Duration d) { i64(d.count()); }
  void var(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7F) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  // An index or symbol where 0xFFFFFFFF means none: stored plus one, so that none takes a byte.
  void index(std::uint32_t v) { var(static_cast<std::uint32_t>(v + 1)); }
  void count(std::size_t n) { var(n); }
  // A string with a u32 length (the journal's records).
  void str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
  }
  // A string with a varint length (the core's state).
  void text(std::string_view s) {
    var(s.size());
    out_.append(s);
  }
  template <typename E>
  requires std::is_enum_v<E>
  void enumeration(E e) { u8(static_cast<std::uint8_t>(e)); }
  template <typename T, typename F>
  void opt(const std::optional<T>& v, F put) {
    u8(v ? 1 : 0);
    if (v) put(*v);
  }

 private:
  void spill() {
    sink_ok_ = sink_(out_) && sink_ok_;
    out_.clear();
  }

  std::string& out_;
  Sink sink_;
  std::size_t threshold_ = 0;
  bool sink_ok_ = true;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool done() const { return pos_ == in_.size(); }
  std::size_t position() const { return pos_; }
  // Whether `n` more bytes are left to read.
  bool has(std::size_t n) const { return ok_ && in_.size() - pos_ >= n; }
  void fail() { ok_ = false; }

  std::uint8_t u8() {
    if (!need(1)) return 0;
    return static_cast<std::uint8_t>(in_[pos_++]);
  }
  std::uint16_t u16() { return fixed<std::uint16_t>(); }
  std::uint32_t u32() { return fixed<std::uint32_t>(); }
  std::uint64_t u64() { return fixed<std::uint64_t>(); }
  std::int32_t i32() { return fixed<std::int32_t>(); }
  std::int64_t i64() { return fixed<std::int64_t>(); }
  double f64() { return std::bit_cast<double>(fixed<std::uint64_t>()); }
  float f32() { return std::bit_cast<float>(fixed<std::uint32_t>()); }
  bool boolean() {
    const std::uint8_t v = u8();
    if (v > 1) ok_ = false;
    return v == 1;
  }
  Timestamp time() { return Timestamp{i64()}; }
  Duration duration() { return Duration{i64()}; }
  std::uint64_t var() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!need(1)) return 0;
      const auto byte = static_cast<std::uint8_t>(in_[pos_++]);
      v |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      if (!(byte & 0x80)) return v;
    }
    ok_ = false;  // more than ten bytes: not a varint we wrote
    return 0;
  }
  std::uint32_t index() {
    const std::uint64_t v = var();
    if (v > 0xFFFFFFFFull) ok_ = false;
    return static_cast<std::uint32_t>(v - 1);  // 0 (none) wraps to 0xFFFFFFFF
  }
  // A count of elements that take at least `min_bytes` each: a damaged count larger than the
  // bytes left could hold fails here, before anyone reserves memory for it.
  std::size_t count(std::size_t min_bytes) {
    const std::uint64_t n = var();
    if (!ok_ || (min_bytes > 0 && n > (in_.size() - pos_) / min_bytes)) {
      ok_ = false;
      return 0;
    }
    return static_cast<std::size_t>(n);
  }
  std::string str() { return take(u32()); }
  std::string text() {
    const std::uint64_t n = var();
    return take(n <= in_.size() ? static_cast<std::size_t>(n) : in_.size() + 1);
  }
  // An enum whose values run from 0 to `max`.
  template <typename E>
  requires std::is_enum_v<E> E enumeration(E max) {
    const std::uint8_t v = u8();
    if (v > static_cast<std::uint8_t>(max)) ok_ = false;
    return static_cast<E>(v);
  }
  template <typename T, typename F>
  std::optional<T> opt(F get) {
    if (u8() == 0) return std::nullopt;
    return get();
  }

 private:
  bool need(std::size_t n) {
    if (!ok_ || in_.size() - pos_ < n) ok_ = false;
    return ok_;
  }
  std::string take(std::size_t n) {
    if (!need(n)) return {};
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  template <typename T>
  T fixed() {
    if (!need(sizeof(T))) return 0;
    const T v = get_le<T>(in_.data() + pos_);
    pos_ += sizeof(T);
    return v;
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace sb
