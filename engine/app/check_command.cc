#include "engine/app/check_command.h"

#include "engine/app/read_file.h"
#include "engine/policy/policy_loader.h"
#include "engine/policy/policy_tests.h"

namespace sb::app {

int run_check(const std::vector<std::string>& files, std::FILE* out, std::FILE* err) {
  int status = 0;
  for (const std::string& file : files) {
    const std::optional<std::string> text = read_file(file);
    if (!text) {
      std::fprintf(err, "%s:1:1: cannot read the file\n", file.c_str());
      status = 1;
      continue;
    }
    const policy::LoadResult result = policy::load_policy(*text, file);
    for (const policy::Diagnostic& d : result.diagnostics)
      std::fprintf(err, "%s\n", d.to_string().c_str());
    if (!result.loaded) {
      status = 1;
      continue;
    }
    const auto failures = policy::run_policy_tests(*result.loaded);
    for (const policy::TestFailure& f : failures) {
      std::fprintf(err, "%s:%d:1: test '%s' failed: %s\n", file.c_str(), f.line, f.name.c_str(),
                   f.message.c_str());
    }
    if (!failures.empty()) {
      status = 1;
      continue;
    }
    std::fprintf(out, "%s: ok (%zu queues, %zu tests passed)\n", file.c_str(),
                 result.loaded->policy->queues.size(), result.loaded->tests.size());
  }
  return status;
}

}  // namespace sb::app
