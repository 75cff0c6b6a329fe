#include "engine/journal/reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "engine/journal/crc32c.h"

namespace sb::journal {

MappedFile::~MappedFile() { close(); }

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    close();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

void MappedFile::close() {
  if (data_ != nullptr) ::munmap(data_, size_);
  data_ = nullptr;
  size_ = 0;
}

Status MappedFile::open(const std::string& path) {
  close();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::error("cannot open " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int e = errno;
    ::close(fd);
    return Status::error("cannot stat " + path + ": " + std::strerror(e));
  }
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ > 0) {
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      const int e = errno;
      ::close(fd);
      size_ = 0;
      return Status::error("cannot map " + path + ": " + std::strerror(e));
    }
    ::madvise(p, size_, MADV_SEQUENTIAL);
    data_ = p;
  }
  ::close(fd);
  return {};
}

namespace {

// The record at `offset`, or what is wrong with it.
std::optional<RecordView> parse_record(std::string_view bytes, std::size_t offset,
                                       std::size_t& next, std::string* what) {
  const std::size_t left = bytes.size() - offset;
  auto bad = [&](const char* why) -> std::optional<RecordView> {
    if (what != nullptr) *what = why;
    return std::nullopt;
  };
  if (left < kRecordHeaderSize) return bad("a partial record header at the end of the file");
  const char* p = bytes.data() + offset;
  const std::uint32_t length = get_le<std::uint32_t>(p);
  if (length > kMaxPayload) return bad("a record length beyond the maximum");
  if (left - kRecordHeaderSize < length) return bad("a record that runs past the end of the file");
  const std::uint32_t crc = get_le<std::uint32_t>(p + 4);
  if (crc != crc32c_extend(0, p + kRecordCrcStart, kRecordHeaderSize - kRecordCrcStart + length)) {
    return bad("a bad CRC32C");
  }
  RecordView r;
  r.sequence = get_le<std::uint64_t>(p + 8);
  r.at = Timestamp{get_le<std::int64_t>(p + 16)};
  const auto type = static_cast<std::uint8_t>(p[24]);
  if (type != static_cast<std::uint8_t>(RecordType::Command) &&
      type != static_cast<std::uint8_t>(RecordType::Mark)) {
    return bad("an unknown record type");
  }
  r.type = static_cast<RecordType>(type);
  r.payload = bytes.substr(offset + kRecordHeaderSize, length);
  next = offset + kRecordHeaderSize + length;
  return r;
}

}  // namespace

std::optional<Damage> scan_records(
    std::string_view bytes, std::size_t start,
    const std::function<bool(const RecordView&, std::uint64_t offset)>& on_record) {
  std::size_t offset = start;
  while (offset < bytes.size()) {
    std::string what;
    std::size_t next = offset;
    auto record = parse_record(bytes, offset, next, &what);
    if (!record) return Damage{offset, what};
    if (!on_record(*record, offset)) return std::nullopt;
    offset = next;
  }
  return std::nullopt;
}

bool valid_record_after(std::string_view bytes, std::size_t offset, std::uint64_t min_sequence,
                        std::uint64_t max_sequence) {
  for (std::size_t o = offset + 1; o + kRecordHeaderSize <= bytes.size(); ++o) {
    // Cheap filters before the CRC: a plausible sequence and length.
    const std::uint64_t seq = get_le<std::uint64_t>(bytes.data() + o + 8);
    if (seq < min_sequence || seq > max_sequence) continue;
    std::size_t next = o;
    if (parse_record(bytes, o, next, nullptr)) return true;
  }
  return false;
}

}  // namespace sb::journal
