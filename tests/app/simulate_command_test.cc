// `switchboard simulate`, the real binary: the documented first example with --json, a plot, a
// bad scenario (FILE:LINE:COLUMN, exit 1) and a usage error (exit 2).
#include <doctest/doctest.h>
#include <sys/wait.h>

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

// Runs the binary with `args` (already shell-quoted) in a scratch directory.
Outcome simulate(const std::string& args) {
  const fs::path dir = fs::temp_directory_path() / ("sb-simulate-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string command = std::string(SB_SWITCHBOARD_BIN) + " simulate " + args + " >" +
                              (dir / "out").string() + " 2>" + (dir / "err").string();
  const int raw = std::system(command.c_str());
  Outcome o;
  o.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  o.out = slurp(dir / "out");
  o.err = slurp(dir / "err");
  return o;
}

const std::string kExamples = std::string(SB_SOURCE_DIR) + "/config/examples/simulate/";

}  // namespace

TEST_CASE("the documented first example, as JSON") {
  const Outcome o = simulate(kExamples + "minimal.yaml --json");
  REQUIRE(o.status == 0);
  CHECK(o.err.empty());  // no progress bar: stderr is not a terminal
  const boost::json::object root = boost::json::parse(o.out).as_object();
  const boost::json::object& total = root.at("total").as_object();
  const auto offered = total.at("offered").to_number<double>();
  const auto answered = total.at("answered").to_number<double>();
  const auto abandoned = total.at("abandoned").to_number<double>();
  CHECK(offered > 2500);
  CHECK(answered + abandoned <= offered);
  CHECK(abandoned > 0);
  const double sl = total.at("service_level").to_number<double>();
  CHECK(sl > 0);
  CHECK(sl <= 1);
  CHECK(total.at("asa_s").to_number<double>() >= 0);
  const double occupancy = total.at("occupancy").to_number<double>();
  CHECK(occupancy > 0.6);
  CHECK(occupancy < 0.95);
  REQUIRE(root.at("queues").as_array().size() == 1);
  CHECK(root.at("queues").as_array()[0].at("name") == "all");
  CHECK(root.at("theory").at("model") == "erlang_a");
  CHECK(root.at("seed").to_number<double>() == 1);

  // --seed changes the run; the same seed repeats it.
  const Outcome again = simulate(kExamples + "minimal.yaml --json");
  CHECK(again.out == o.out);
  const Outcome other = simulate(kExamples + "minimal.yaml --json --seed 2");
  REQUIRE(other.status == 0);
  CHECK(other.out != o.out);
}

TEST_CASE("a table by default, and a plot") {
  const fs::path svg =
      fs::temp_directory_path() / ("sb-plot-" + std::to_string(::getpid()) + ".svg");
  const Outcome o = simulate(kExamples + "minimal.yaml --plot " + svg.string());
  REQUIRE(o.status == 0);
  CHECK(o.out.find("offered") != std::string::npos);
  CHECK(o.out.find("Erlang A (M/M/30+M)") != std::string::npos);
  const std::string plot = slurp(svg);
  CHECK(plot.rfind("<svg", 0) == 0);
  CHECK(plot.find("</svg>") != std::string::npos);
  fs::remove(svg);
}

TEST_CASE("the omnichannel example with its policy") {
  const Outcome o = simulate(kExamples + "omnichannel.yaml --policy " + SB_SOURCE_DIR +
                             "/config/examples/omnichannel.yaml --json");
  REQUIRE(o.status == 0);
  const boost::json::object root = boost::json::parse(o.out).as_object();
  CHECK(root.at("queues").as_array().size() == 7);
  CHECK(root.at("refused_commands").to_number<double>() == 0);
  CHECK(root.at("total").at("repeat_contact_rate").to_number<double>() > 0.05);
  CHECK(root.at("total").at("affinity_hit_rate").to_number<double>() > 0);
}

TEST_CASE("a bad scenario: FILE:LINE:COLUMN lines and exit 1") {
  const fs::path bad =
      fs::temp_directory_path() / ("sb-bad-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(bad) << "duration: 8h\nagents:\n  - count: 3\n    skils: {a: 1}\n"
                        "streams:\n  - channel: voice\n    rate_per_hour: lots\n"
                        "    handle_time: 4m\n";
  const Outcome o = simulate(bad.string());
  CHECK(o.status == 1);
  CHECK(o.out.empty());
  CHECK(o.err.find(bad.string() + ":4:5: unknown key 'skils' in agents[0] (did you mean "
                                  "'skills'?)\n") != std::string::npos);
  CHECK(o.err.find(bad.string() + ":7:20: streams[0].rate_per_hour must be a number, not "
                                  "'lots'\n") != std::string::npos);
  fs::remove(bad);

  const Outcome missing = simulate("/nonexistent/scenario.yaml");
  CHECK(missing.status == 1);
  CHECK(missing.err == "/nonexistent/scenario.yaml:1:1: cannot read the file\n");

  // A scenario that names what the policy lacks.
  const Outcome mismatch =
      simulate(kExamples + "minimal.yaml --policy " + SB_SOURCE_DIR + "/config/routing.yaml");
  CHECK(mismatch.status == 1);
  CHECK(mismatch.err.find("minimal.yaml:6:14: the policy declares no skill 'support'") !=
        std::string::npos);
}

TEST_CASE("usage errors: exit 2") {
  CHECK(simulate("").status == 2);
  CHECK(simulate(kExamples + "minimal.yaml --seed x").status == 2);
  CHECK(simulate(kExamples + "minimal.yaml --frobnicate").status == 2);
}
