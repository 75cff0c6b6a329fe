// The byte codec under the journal and the state snapshots: fixed-width and varint integers,
// both kinds of strings, and a reader that fails cleanly on truncated or malformed input.
#include "engine/common/byte_codec.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace sb {
namespace {

TEST_CASE("varints round-trip at every width, and take as few bytes as they can") {
  const std::uint64_t values[] = {0,
                                  1,
                                  127,
                                  128,
                                  16383,
                                  16384,
                                  0xFFFFFFFFull,
                                  0x100000000ull,
                                  1ull << 56,
                                  std::numeric_limits<std::uint64_t>::max()};
  const std::size_t sizes[] = {1, 1, 1, 2, 2, 3, 5, 5, 9, 10};
  for (std::size_t k = 0; k < std::size(values); ++k) {
    std::string out;
    ByteWriter w(out);
    w.var(values[k]);
    CHECK(out.size() == sizes[k]);
    ByteReader r(out);
    CHECK(r.var() == values[k]);
    CHECK(r.ok());
    CHECK(r.done());
  }
}

TEST_CASE("an index stores none (0xFFFFFFFF) in one byte") {
  std::string out;
  ByteWriter w(out);
  w.index(0xFFFFFFFFu);
  w.index(0);
  w.index(0xFFFFFFFEu);
  CHECK(out.size() == 1 + 1 + 5);
  ByteReader r(out);
  CHECK(r.index() == 0xFFFFFFFFu);
  CHECK(r.index() == 0u);
  CHECK(r.index() == 0xFFFFFFFEu);
  CHECK(r.ok());
  // A value past 32 bits is not an index.
  std::string big;
  ByteWriter(big).var(0x100000001ull);
  ByteReader bad(big);
  (void)bad.index();
  CHECK_FALSE(bad.ok());
}

TEST_CASE("both kinds of strings round-trip") {
  std::string out;
  ByteWriter w(out);
  w.str("journal");
  w.text("state");
  w.text(std::string(300, 'x'));
  CHECK(out.size() == (4 + 7) + (1 + 5) + (2 + 300));
  ByteReader r(out);
  CHECK(r.str() == "journal");
  CHECK(r.text() == "state");
  CHECK(r.text() == std::string(300, 'x'));
  CHECK(r.done());
}

TEST_CASE("a writer with a sink hands its bytes over in pieces, at checkpoints and at the end") {
  std::string piece;
  std::string received;
  std::size_t spills = 0;
  ByteWriter w(
      piece,
      [&](std::string_view bytes) {
        received.append(bytes);
        ++spills;
        return true;
      },
      16);
  for (int k = 0; k < 10; ++k) {
    w.u64(static_cast<std::uint64_t>(k));
    w.checkpoint();  // every second value crosses the 16-byte threshold
  }
  w.text("tail");
  CHECK(spills == 5);
  CHECK(piece.size() == 5);  // the tail is not handed over before finish()
  CHECK(w.finish());
  CHECK(spills == 6);
  CHECK(piece.empty());
  std::string whole;
  ByteWriter plain(whole);
  for (int k = 0; k < 10; ++k) plain.u64(static_cast<std::uint64_t>(k));
  plain.text("tail");
  CHECK(plain.finish());  // no sink: nothing to hand over
  CHECK(received == whole);

  std::string failing_piece;
  ByteWriter failing(
      failing_piece, [](std::string_view) { return false; }, 1);
  failing.u8(1);
  failing.checkpoint();
  failing.u8(2);
  CHECK_FALSE(failing.finish());
}

TEST_CASE("truncated or malformed input fails, and every later read gives zero") {
  std::string out;
  ByteWriter w(out);
  w.var(1ull << 40);
  w.text("hello");
  w.u64(42);
  for (std::size_t cut = 0; cut < out.size(); ++cut) {
    ByteReader r(std::string_view(out).substr(0, cut));
    (void)r.var();
    (void)r.text();
    const std::uint64_t last = r.u64();
    CHECK_FALSE(r.ok());
    CHECK(last == 0);
  }
  // Eleven continuation bytes: longer than any varint of 64 bits.
  const std::string continuations(11, '\x80');
  ByteReader overlong(continuations);
  (void)overlong.var();
  CHECK_FALSE(overlong.ok());
  // A string length past the end.
  std::string huge;
  ByteWriter(huge).var(1ull << 62);
  ByteReader r(huge);
  CHECK(r.text().empty());
  CHECK_FALSE(r.ok());
  // A count that the bytes left could not hold.
  std::string counted;
  ByteWriter c(counted);
  c.count(1000);
  c.u64(0);
  ByteReader rc(counted);
  CHECK(rc.count(8) == 0);
  CHECK_FALSE(rc.ok());
  // A boolean is 0 or 1.
  const std::string two(1, '\x02');
  ByteReader rb(two);
  (void)rb.boolean();
  CHECK_FALSE(rb.ok());
}

}  // namespace
}  // namespace sb
