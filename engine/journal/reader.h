// Reading journal files back: a read-only mapping of a segment or snapshot, and a scan of its
// records that checks each one (length, CRC32C, type) and says where and how the first bad one
// is damaged. Used by recovery, by the snapshot writer and by `switchboard replay`. Any thread;
// a MappedFile is owned by one.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "engine/journal/format.h"
#include "engine/journal/journal.h"

namespace sb::journal {

class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  // The whole file, read-only; an error names the path and the reason.
  Status open(const std::string& path);
  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }

 private:
  void close();
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

// The first bad record of a scan.
struct Damage {
  std::uint64_t offset = 0;  // where the bad record starts
  std::string what;          // "bad CRC32C", "record runs past the end of the file", ...
};

// Reads the records in bytes[start, end) in order, calling `on_record` for each good one with
// its offset; `on_record` returns false to stop. Stops at the first bad record and returns it.
std::optional<Damage> scan_records(
    std::string_view bytes, std::size_t start,
    const std::function<bool(const RecordView&, std::uint64_t offset)>& on_record);

// Whether a valid record (good CRC, sequence in [min_sequence, max_sequence]) starts anywhere
// after `offset`: damage followed by good records is corruption in the middle, not a torn tail.
bool valid_record_after(std::string_view bytes, std::size_t offset, std::uint64_t min_sequence,
                        std::uint64_t max_sequence);

}  // namespace sb::journal
