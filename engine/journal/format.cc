#include "engine/journal/format.h"

#include <charconv>
#include <cstdio>

#include "engine/journal/crc32c.h"

namespace sb::journal {
namespace {

std::string numbered(std::string_view prefix, std::uint64_t n, std::string_view suffix) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%020llu", static_cast<unsigned long long>(n));
  std::string out(prefix);
  out += digits;
  out += suffix;
  return out;
}

std::optional<std::uint64_t> parse_numbered(std::string_view name, std::string_view prefix,
                                            std::string_view suffix) {
  if (name.size() != prefix.size() + 20 + suffix.size()) return std::nullopt;
  if (!name.starts_with(prefix) || !name.ends_with(suffix)) return std::nullopt;
  const std::string_view digits = name.substr(prefix.size(), 20);
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  return n;
}

}  // namespace

std::string segment_name(std::uint64_t first_sequence) {
  return numbered("journal-", first_sequence, ".log");
}
std::string snapshot_name(std::uint64_t last_sequence) {
  return numbered("snapshot-", last_sequence, ".snap");
}
std::optional<std::uint64_t> parse_segment_name(std::string_view name) {
  return parse_numbered(name, "journal-", ".log");
}
std::optional<std::uint64_t> parse_snapshot_name(std::string_view name) {
  return parse_numbered(name, "snapshot-", ".snap");
}

std::string segment_header(std::uint64_t first_sequence) {
  std::string out(kSegmentMagic);
  put_le<std::uint32_t>(out, kFormatVersion);
  std::string seq;
  put_le<std::uint64_t>(seq, first_sequence);
  put_le<std::uint32_t>(out, crc32c(seq));
  out += seq;
  return out;
}

std::optional<std::uint64_t> parse_segment_header(std::string_view bytes) {
  if (bytes.size() < kSegmentHeaderSize || !bytes.starts_with(kSegmentMagic)) return std::nullopt;
  if (get_le<std::uint32_t>(bytes.data() + 8) != kFormatVersion) return std::nullopt;
  if (get_le<std::uint32_t>(bytes.data() + 12) != crc32c(bytes.substr(16, 8))) return std::nullopt;
  return get_le<std::uint64_t>(bytes.data() + 16);
}

std::string snapshot_header(const SnapshotHeader& h) {
  std::string fields;
  put_le<std::uint64_t>(fields, h.last_sequence);
  put_le<std::uint64_t>(fields, h.records);
  put_le<std::uint64_t>(fields, h.body_bytes);
  std::string out(kSnapshotMagic);
  put_le<std::uint32_t>(out, kFormatVersion);
  put_le<std::uint32_t>(out, crc32c(fields));
  out += fields;
  return out;
}

std::optional<SnapshotHeader> parse_snapshot_header(std::string_view bytes) {
  if (bytes.size() < kSnapshotHeaderSize || !bytes.starts_with(kSnapshotMagic)) {
    return std::nullopt;
  }
  if (get_le<std::uint32_t>(bytes.data() + 8) != kFormatVersion) return std::nullopt;
  if (get_le<std::uint32_t>(bytes.data() + 12) != crc32c(bytes.substr(16, 24))) {
    return std::nullopt;
  }
  SnapshotHeader h;
  h.last_sequence = get_le<std::uint64_t>(bytes.data() + 16);
  h.records = get_le<std::uint64_t>(bytes.data() + 24);
  h.body_bytes = get_le<std::uint64_t>(bytes.data() + 32);
  return h;
}

std::string state_snapshot_header(const StateSnapshotHeader& h) {
  std::string fields;
  put_le<std::uint64_t>(fields, h.last_sequence);
  put_le<std::int64_t>(fields, h.last_at.us);
  put_le<std::uint64_t>(fields, h.body_bytes);
  put_le<std::uint32_t>(fields, h.body_crc);
  std::string out(kStateSnapshotMagic);
  put_le<std::uint32_t>(out, kStateFormatVersion);
  put_le<std::uint32_t>(out, crc32c(fields));
  out += fields;
  put_le<std::uint32_t>(out, 0);
  return out;
}

std::optional<StateSnapshotHeader> parse_state_snapshot_header(std::string_view bytes) {
  if (bytes.size() < kStateSnapshotHeaderSize || !bytes.starts_with(kStateSnapshotMagic)) {
    return std::nullopt;
  }
  if (get_le<std::uint32_t>(bytes.data() + 8) != kStateFormatVersion) return std::nullopt;
  if (get_le<std::uint32_t>(bytes.data() + 12) != crc32c(bytes.substr(16, 28))) {
    return std::nullopt;
  }
  StateSnapshotHeader h;
  h.last_sequence = get_le<std::uint64_t>(bytes.data() + 16);
  h.last_at = Timestamp{get_le<std::int64_t>(bytes.data() + 24)};
  h.body_bytes = get_le<std::uint64_t>(bytes.data() + 32);
  h.body_crc = get_le<std::uint32_t>(bytes.data() + 40);
  return h;
}

void append_record(std::string& out, std::uint64_t sequence, Timestamp at, RecordType type,
                   std::string_view payload) {
  const std::size_t start = out.size();
  put_le<std::uint32_t>(out, static_cast<std::uint32_t>(payload.size()));
  put_le<std::uint32_t>(out, 0);  // the CRC, filled below
  put_le<std::uint64_t>(out, sequence);
  put_le<std::int64_t>(out, at.us);
  out.push_back(static_cast<char>(type));
  out.append(payload);
  const std::uint32_t crc =
      crc32c_extend(0, out.data() + start + kRecordCrcStart, out.size() - start - kRecordCrcStart);
  for (std::size_t i = 0; i < 4; ++i)
    out[start + 4 + i] = static_cast<char>((crc >> (8 * i)) & 0xFFu);
}

}  // namespace sb::journal
