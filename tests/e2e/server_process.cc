#include "tests/e2e/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace sb::e2e {
namespace {

std::optional<int> wait_exit(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
      return -1;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

pid_t spawn(const std::vector<std::string>& args, int stdout_fd, const std::string& stderr_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (stdout_fd >= 0) posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + args[0]);
  return pid;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string source_dir() { return SB_SOURCE_DIR; }

std::string e2e_policy() { return read_all(source_dir() + "/tests/e2e/e2e_policy.yaml"); }

ServerSpec e2e_spec(std::string config_yaml) {
  ServerSpec spec;
  spec.config_yaml = std::move(config_yaml);
  spec.policy_yaml = e2e_policy();
  return spec;
}

std::string make_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "sb-e2e-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

ServerProcess::ServerProcess(ServerSpec spec) : dir_(make_temp_dir()) {
  const std::string config = dir_ + "/switchboard.yaml";
  write_file(config, spec.config_yaml);
  policy_file_ = source_dir() + "/config/routing.yaml";
  if (!spec.policy_yaml.empty()) {
    policy_file_ = dir_ + "/routing.yaml";
    write_file(policy_file_, spec.policy_yaml);
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> args = {
      SB_SWITCHBOARD_BIN, "serve",
      "--config",         config,
      "--policy",         policy_file_,
      "--listen",         spec.listen,
      "--data-dir",       spec.data_dir.empty() ? dir_ + "/data" : spec.data_dir};
  args.insert(args.end(), spec.extra_args.begin(), spec.extra_args.end());
  pid_ = spawn(args, fds[1], dir_ + "/server.log");
  ::close(fds[1]);
  stdout_fd_ = fds[0];

  // Wait for "listening on HOST:PORT".
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  auto complete = [&] {
    const std::size_t at = out.find("listening on ");
    return at != std::string::npos && out.find('\n', at) != std::string::npos;
  };
  while (!complete() && std::chrono::steady_clock::now() < deadline) {
    pollfd p{stdout_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buffer[256];
    const ssize_t n = ::read(stdout_fd_, buffer, sizeof buffer);
    if (n <= 0) break;  // the server exited
    out.append(buffer, static_cast<std::size_t>(n));
  }
  const std::string marker = "listening on ";
  const std::size_t at = out.find(marker);
  const std::size_t end = at == std::string::npos ? at : out.find('\n', at);
  const std::size_t colon = end == std::string::npos ? end : out.rfind(':', end);
  if (at == std::string::npos || colon == std::string::npos) {
    const std::string why = log();
    stop(SIGKILL);
    throw std::runtime_error("the server did not start: " + why);
  }
  port_ = static_cast<std::uint16_t>(std::stoi(out.substr(colon + 1)));
}

ServerProcess::~ServerProcess() {
  if (!exit_status_) stop(SIGTERM);
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

client::Endpoint ServerProcess::endpoint(std::string token) const {
  client::Endpoint e;
  e.host = "127.0.0.1";
  e.port = port_;
  e.token = std::move(token);
  return e;
}

void ServerProcess::signal(int sig) const { ::kill(pid_, sig); }

int ServerProcess::stop(int sig, std::chrono::milliseconds limit) {
  if (exit_status_) return *exit_status_;
  ::kill(pid_, sig);
  exit_status_ = wait_exit(pid_, limit);
  if (!exit_status_) {
    ::kill(pid_, SIGKILL);
    exit_status_ = wait_exit(pid_, std::chrono::seconds(5)).value_or(-1);
    return -1;  // did not stop in time
  }
  return *exit_status_;
}

std::string ServerProcess::log() const { return read_all(dir_ + "/server.log"); }

RunResult run_switchboard(const std::vector<std::string>& args, std::chrono::milliseconds limit) {
  const std::string dir = make_temp_dir();
  std::vector<std::string> full = {SB_SWITCHBOARD_BIN};
  full.insert(full.end(), args.begin(), args.end());
  const int out_fd =
      ::open((dir + "/out.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const pid_t pid = spawn(full, out_fd, dir + "/err.log");
  if (out_fd >= 0) ::close(out_fd);
  RunResult r;
  auto status = wait_exit(pid, limit);
  if (!status) {
    ::kill(pid, SIGKILL);
    status = wait_exit(pid, std::chrono::seconds(5));
  }
  r.status = status.value_or(-1);
  r.err = read_all(dir + "/err.log");
  r.out = read_all(dir + "/out.log");
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return r;
}

}  // namespace sb::e2e
