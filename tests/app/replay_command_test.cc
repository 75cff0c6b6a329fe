// `switchboard replay` on the real binary: a day recorded with `simulate --record`, then the
// what-if replay as a table and as JSON (the recorded policy gives the recorded figures back,
// a worse one worse ones), the state inspection without --policy and with --install-policy
// still there, and the errors: a missing data directory, an empty journal, an invalid or
// unreadable candidate (FILE:LINE:COLUMN), a candidate that cannot be compared (exit 1), and
// usage errors (exit 2).
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct Outcome {
  int status = -1;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const fs::path kScratch = fs::temp_directory_path() / ("sb-replay-" + std::to_string(::getpid()));
const std::string kFiles = std::string(SB_SOURCE_DIR) + "/tests/app/whatif/";

struct RemoveScratch {
  ~RemoveScratch() {
    std::error_code ignored;
    fs::remove_all(kScratch, ignored);
  }
} remove_scratch;

// Runs `switchboard ARGS` (already shell-quoted).
Outcome run(const std::string& args) {
  fs::create_directories(kScratch);
  const std::string command = std::string(SB_SWITCHBOARD_BIN) + " " + args + " >" +
                              (kScratch / "out").string() + " 2>" + (kScratch / "err").string();
  const int raw = std::system(command.c_str());
  Outcome o;
  o.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  o.out = slurp(kScratch / "out");
  o.err = slurp(kScratch / "err");
  return o;
}

// A day recorded once for every test of this file.
const std::string& recorded_day() {
  static const std::string dir = [] {
    const std::string d = (kScratch / "day").string();
    fs::remove_all(d);
    const Outcome o = run("simulate " + kFiles + "day_people.yaml --policy " + kFiles +
                          "desk.yaml --record " + d + " --json");
    REQUIRE_MESSAGE(o.status == 0, o.err);
    return d;
  }();
  return dir;
}

double number(const boost::json::value& v, const char* key) {
  return v.as_object().at(key).to_number<double>();
}

TEST_CASE("the recorded policy replayed as JSON: both sets of figures, equal, and no change") {
  const Outcome o =
      run("replay --data-dir " + recorded_day() + " --policy " + kFiles + "desk.yaml --json");
  REQUIRE_MESSAGE(o.status == 0, o.err);
  CHECK(o.err.empty());
  const boost::json::object root = boost::json::parse(o.out).as_object();
  const auto& recorded = root.at("recorded");
  const auto& candidate = root.at("candidate");
  CHECK(number(recorded.at("total"), "offered") > 400);
  CHECK(recorded.at("total") == candidate.at("total"));
  CHECK(recorded.at("queues") == candidate.at("queues"));
  CHECK(recorded.at("policy_versions").as_array().size() == 1);
  const auto& change = root.at("change").at("total");
  CHECK(number(change, "offered") == 0);
  CHECK(number(change, "abandon_rate") == 0);
  CHECK(number(change, "service_level") == 0);
  CHECK(root.at("change").at("queues").as_array().size() == 2);
  CHECK(number(root.at("behaviour"), "abandons_drawn") == 0);
  CHECK(number(root.at("behaviour"), "answers_as_recorded") > 400);
  CHECK(number(root, "seed") == 1);
  CHECK(number(root, "commands") > 1500);
  CHECK(root.at("warnings").as_array().empty());
}

TEST_CASE("a worse candidate as a table: recorded, candidate and change rows") {
  const Outcome o = run("replay --data-dir " + recorded_day() + " --policy " + kFiles +
                        "sales_unserved.yaml --seed 3");
  REQUIRE_MESSAGE(o.status == 0, o.err);
  for (const char* text : {"queue / run", "\nsales\n", "\nsupport\n", "\ntotal\n", "  recorded ",
                           "  candidate ", "  change ", "seed 3", "recorded: policy v1"}) {
    CHECK_MESSAGE(o.out.find(text) != std::string::npos, text << "\n" << o.out);
  }
  const Outcome json = run("replay --data-dir " + recorded_day() + " --policy " + kFiles +
                           "sales_unserved.yaml --seed 3 --json");
  REQUIRE(json.status == 0);
  const auto root = boost::json::parse(json.out);
  CHECK(number(root.at("change").at("total"), "abandon_rate") > 0.1);
  CHECK(number(root.at("change").at("total"), "answered") < -100);
}

TEST_CASE("without --policy replay still inspects the state; --install-policy still installs") {
  const Outcome o = run("replay --data-dir " + recorded_day() + " --json");
  REQUIRE_MESSAGE(o.status == 0, o.err);
  const auto summary = boost::json::parse(o.out);
  CHECK(number(summary, "commands") > 1500);
  CHECK(summary.as_object().at("state_hash").as_string().size() == 16);

  const Outcome installed = run("replay --data-dir " + recorded_day() + " --install-policy " +
                                kFiles + "sales_overflow.yaml");
  REQUIRE_MESSAGE(installed.status == 0, installed.err);
  CHECK(installed.out.find("sales_overflow.yaml: installed") != std::string::npos);
}

TEST_CASE("errors: exit 1 with the reason, or 2 for a usage error") {
  const std::string desk = kFiles + "desk.yaml";
  const Outcome missing = run("replay --data-dir /nonexistent/sb-data --policy " + desk);
  CHECK(missing.status == 1);
  CHECK(missing.err == "/nonexistent/sb-data: no such data directory\n");
  CHECK(run("replay --data-dir /nonexistent/sb-data").status == 1);

  const fs::path empty = kScratch / "empty";
  fs::create_directories(empty);
  const Outcome nothing = run("replay --data-dir " + empty.string() + " --policy " + desk);
  CHECK(nothing.status == 1);
  CHECK(nothing.err == empty.string() + ": the journal holds no commands: nothing to replay\n");

  const fs::path bad = kScratch / "bad.yaml";
  std::ofstream(bad) << "version: 1\nchannels:\n  voice: {capacity: 1}\nskills: [sales]\n"
                        "queues:\n  - name: q\n    prority: 3\n";
  const Outcome invalid = run("replay --data-dir " + recorded_day() + " --policy " + bad.string());
  CHECK(invalid.status == 1);
  CHECK_MESSAGE(invalid.err.find(bad.string() + ":7:5: ") != std::string::npos, invalid.err);
  CHECK(invalid.out.empty());

  const Outcome unreadable =
      run("replay --data-dir " + recorded_day() + " --policy /nonexistent.yaml");
  CHECK(unreadable.status == 1);
  CHECK(unreadable.err == "/nonexistent.yaml:1:1: cannot read the file\n");

  const Outcome undeclared = run("replay --data-dir " + recorded_day() + " --policy " + kFiles +
                                 "support_undeclared.yaml");
  CHECK(undeclared.status == 1);
  CHECK(undeclared.err.find("the policy declares no skill 'support'") != std::string::npos);
  CHECK(undeclared.out.empty());

  CHECK(run("replay --data-dir " + recorded_day() + " --seed 4").status == 2);
  CHECK(
      run("replay --data-dir " + recorded_day() + " --policy " + desk + " --install-policy " + desk)
          .status == 2);
  CHECK(run("replay --policy " + desk).status == 2);
}

}  // namespace
