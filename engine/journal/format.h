// The journal's on-disk format (docs/operations.md, "Data directory"). Little-endian throughout.
//
//   segment file  journal-<first sequence, 20 digits>.log
//     header  "SBJRNL01" | u32 format version | u32 CRC32C of the first sequence | u64 first seq
//     records, back to back
//   snapshot file snapshot-<last sequence, 20 digits>.snap, in one of two forms:
//     a state snapshot (written since format 2): the core's state after the last sequence
//       header  "SBSTATE2" | u32 format version (2) | u32 CRC32C of the next four fields |
//               u64 last sequence | i64 time of the last record | u64 body bytes |
//               u32 CRC32C of the body | u32 zero
//       body    u64 policy version | u32 length + the policy's YAML source |
//               the core's state (Core::save_state, "SBCORE01" ...)
//     a compacted journal (format 1, still read): the records up to the last sequence
//       header  "SBSNAP01" | u32 format version | u32 CRC32C of the next three fields |
//               u64 last sequence | u64 record count | u64 body bytes
//       records, back to back (the same record format)
//   record  u32 payload length | u32 CRC32C of everything after it | u64 sequence |
//           i64 timestamp (µs since the epoch) | u8 record type | payload
//
// Pure helpers; safe from any thread.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "engine/common/byte_codec.h"
#include "switchboard/time.h"

namespace sb::journal {

inline constexpr std::uint32_t kFormatVersion = 1;
inline constexpr std::string_view kSegmentMagic = "SBJRNL01";
inline constexpr std::string_view kSnapshotMagic = "SBSNAP01";
inline constexpr std::size_t kSegmentHeaderSize = 8 + 4 + 4 + 8;
inline constexpr std::size_t kSnapshotHeaderSize = 8 + 4 + 4 + 8 + 8 + 8;
inline constexpr std::uint32_t kStateFormatVersion = 2;
inline constexpr std::string_view kStateSnapshotMagic = "SBSTATE2";
inline constexpr std::size_t kStateSnapshotHeaderSize = 8 + 4 + 4 + 8 + 8 + 8 + 4 + 4;
inline constexpr std::size_t kRecordHeaderSize = 4 + 4 + 8 + 8 + 1;
// The CRC covers the record from the sequence on.
inline constexpr std::size_t kRecordCrcStart = 8;
// A record's payload is at most this long (a policy's YAML source is the largest payload).
inline constexpr std::uint32_t kMaxPayload = 16u << 20;

enum class RecordType : std::uint8_t {
  Command = 1,  // payload: an encoded Command (codec.h)
  Mark = 2,     // payload: u64 state hash of the live core at this time (a graceful stop)
};

// A record as read back.
struct RecordView {
  std::uint64_t sequence = 0;
  Timestamp at;
  RecordType type = RecordType::Command;
  std::string_view payload;
};

std::string segment_name(std::uint64_t first_sequence);
std::string snapshot_name(std::uint64_t last_sequence);
// The number in a segment's or snapshot's file name; nullopt for any other name.
std::optional<std::uint64_t> parse_segment_name(std::string_view name);
std::optional<std::uint64_t> parse_snapshot_name(std::string_view name);

std::string segment_header(std::uint64_t first_sequence);
struct SnapshotHeader {
  std::uint64_t last_sequence = 0;
  std::uint64_t records = 0;
  std::uint64_t body_bytes = 0;
};
std::string snapshot_header(const SnapshotHeader& h);
struct StateSnapshotHeader {
  std::uint64_t last_sequence = 0;
  Timestamp last_at;
  std::uint64_t body_bytes = 0;
  std::uint32_t body_crc = 0;
};
std::string state_snapshot_header(const StateSnapshotHeader& h);
std::optional<StateSnapshotHeader> parse_state_snapshot_header(std::string_view bytes);
// nullopt when the bytes are not a valid header of this format version.
std::optional<std::uint64_t> parse_segment_header(std::string_view bytes);
std::optional<SnapshotHeader> parse_snapshot_header(std::string_view bytes);

// Appends one record to `out`.
void append_record(std::string& out, std::uint64_t sequence, Timestamp at, RecordType type,
                   std::string_view payload);

}  // namespace sb::journal
