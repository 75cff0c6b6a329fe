// The record format's parts: CRC32C against known vectors, and the command encoding's round
// trip for every kind of command, with malformed payloads refused.
#include <doctest/doctest.h>

#include "engine/journal/codec.h"
#include "engine/journal/crc32c.h"
#include "engine/journal/format.h"
#include "engine/journal/reader.h"
#include "tests/journal/journal_fixture.h"

namespace sb::journal {
namespace {

TEST_CASE("CRC32C matches the Castagnoli check values") {
  CHECK(crc32c("123456789") == 0xE3069283u);
  CHECK(crc32c(std::string(32, '\0')) == 0x8A9136AAu);
  CHECK(crc32c(std::string(32, '\xff')) == 0x62A8AB43u);
  CHECK(crc32c("") == 0u);
  // The fast path (SSE4.2 where the CPU has it) agrees with the table at every length,
  // alignment and split.
  std::string bytes;
  for (int k = 0; k < 300; ++k) bytes.push_back(static_cast<char>((k * 131 + 7) & 0xFF));
  for (std::size_t start = 0; start < 9; ++start) {
    for (std::size_t size = 0; start + size <= bytes.size(); size += 13) {
      const char* p = bytes.data() + start;
      REQUIRE(crc32c_extend(0, p, size) == crc32c_extend_portable(0, p, size));
      const std::size_t half = size / 2;
      CHECK(crc32c_extend(crc32c_extend(0, p, half), p + half, size - half) ==
            crc32c_extend_portable(0, p, size));
    }
  }
  // Extending in pieces gives the CRC of the whole.
  const std::string text = "the quick brown fox jumps over the lazy dog";
  const std::uint32_t part = crc32c_extend(0, text.data(), 10);
  CHECK(crc32c_extend(part, text.data() + 10, text.size() - 10) == crc32c(text));
}

std::vector<Command> every_kind() {
  UpsertAgent agent;
  agent.agent_id = "ana";
  agent.skills = {{"billing", 9}, {"tech", 0}};
  agent.languages = {"en", "es"};
  agent.channels = {{"voice", 1}, {"chat", 3}};
  agent.attributes = {{"team", std::string("emea")}, {"tier", 2.5}, {"senior", true}};
  agent.kind = AgentKind::Bot;
  CreateInteraction create;
  create.interaction_id = "chat-1";
  create.channel = "chat";
  create.customer_id = "c-42";
  create.attributes = {{"intent", std::string("billing")}, {"score", -1e300}};
  create.sentiment = -0.4;
  create.priority = 3.25;
  UpdateInteraction update_all;
  update_all.interaction_id = "chat-1";
  update_all.sentiment = 0.5;
  update_all.attributes = Attributes{{"language", std::string("es")}};
  update_all.priority = -2;
  UpdateInteraction update_none;
  update_none.interaction_id = "chat-2";
  return {agent,
          SetAgentState{"ana", Presence::Away, "lunch"},
          create,
          update_all,
          update_none,
          CancelInteraction{"chat-1", "hung up"},
          TransferInteraction{"chat-1", "tech", "ben"},
          CompleteInteraction{"chat-1", "resolved"},
          AcceptOffer{42},
          RejectOffer{0xFFFF'FFFF'FFFFull, "busy"},
          test::set_policy(7)};
}

TEST_CASE("every command kind survives an encode/decode round trip") {
  for (const Command& command : every_kind()) {
    INFO(command_name(command));
    std::string bytes;
    REQUIRE(encode_command(command, bytes));
    auto decoded = decode_command(bytes);
    REQUIRE(decoded.ok());
    const Command& back = decoded.value().command;
    CHECK(back.index() == command.index());
    if (const auto* p = std::get_if<SetPolicy>(&command)) {
      // Replay gets the source and version to compile, not the compiled policy.
      const auto& q = std::get<SetPolicy>(back);
      CHECK(q.source == p->source);
      CHECK(q.policy == nullptr);
      CHECK(decoded.value().policy_version == 7);
      continue;
    }
    // Same bytes again: every field came back.
    std::string again;
    REQUIRE(encode_command(back, again));
    CHECK(again == bytes);
  }
  // A few fields by name, so that equal bytes cannot hide a swap of two fields.
  std::string bytes;
  REQUIRE(encode_command(every_kind()[2], bytes));
  const auto create = std::get<CreateInteraction>(decode_command(bytes).value().command);
  CHECK(create.interaction_id == "chat-1");
  CHECK(create.customer_id == "c-42");
  CHECK(create.sentiment == -0.4);
  CHECK(create.priority == 3.25);
  CHECK(std::get<double>(create.attributes[1].second) == -1e300);
}

TEST_CASE("malformed payloads are refused, never misread") {
  std::string bytes;
  REQUIRE(encode_command(every_kind()[0], bytes));
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    CHECK_FALSE(decode_command(std::string_view(bytes).substr(0, cut)).ok());
  }
  CHECK_FALSE(decode_command(bytes + "x").ok());             // trailing bytes
  CHECK_FALSE(decode_command(std::string(1, '\x63')).ok());  // unknown tag
  // An attribute count far beyond the payload does not allocate it.
  std::string huge;
  huge.push_back(static_cast<char>(CommandTag::CreateInteraction));
  for (int k = 0; k < 3; ++k) put_le<std::uint32_t>(huge, 0);  // three empty strings
  put_le<std::uint32_t>(huge, 0xFFFFFFFFu);
  CHECK_FALSE(decode_command(huge).ok());
}

TEST_CASE("a policy without its source cannot be encoded") {
  std::string bytes;
  CHECK_FALSE(encode_command(SetPolicy{test::set_policy().policy}, bytes));
  CHECK(bytes.empty());
}

TEST_CASE("records carry length, CRC, sequence, time and type; any flipped bit is caught") {
  std::string file;
  append_record(file, 17, Timestamp{123456}, RecordType::Command, "payload");
  append_record(file, 18, Timestamp{123457}, RecordType::Mark, "12345678");
  std::vector<RecordView> seen;
  auto damage = scan_records(file, 0, [&](const RecordView& r, std::uint64_t) {
    seen.push_back(r);
    return true;
  });
  CHECK_FALSE(damage);
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].sequence == 17);
  CHECK(seen[0].at.us == 123456);
  CHECK(seen[0].payload == "payload");
  CHECK(seen[1].type == RecordType::Mark);
  for (std::size_t byte = 0; byte < kRecordHeaderSize + 7; ++byte) {
    std::string bad = file;
    bad[byte] = static_cast<char>(bad[byte] ^ 0x10);
    auto d = scan_records(bad, 0, [](const RecordView&, std::uint64_t) { return true; });
    INFO("flipped byte " << byte);
    REQUIRE(d);
    CHECK(d->offset == 0);
  }
}

TEST_CASE("file names and headers") {
  CHECK(segment_name(1) == "journal-00000000000000000001.log");
  CHECK(parse_segment_name("journal-00000000000000000042.log") == 42u);
  CHECK_FALSE(parse_segment_name("journal-42.log"));
  CHECK(parse_snapshot_name(snapshot_name(99)) == 99u);
  CHECK(parse_segment_header(segment_header(5)) == 5u);
  std::string bad = segment_header(5);
  bad[20] ^= 1;
  CHECK_FALSE(parse_segment_header(bad));
  SnapshotHeader h{10, 11, 12};
  auto back = parse_snapshot_header(snapshot_header(h));
  REQUIRE(back);
  CHECK(back->records == 11);
  CHECK(back->body_bytes == 12);
}

}  // namespace
}  // namespace sb::journal
