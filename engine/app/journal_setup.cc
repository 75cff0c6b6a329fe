#include "engine/app/journal_setup.h"

#include <filesystem>

#include "engine/policy/policy_loader.h"

namespace sb::app {

journal::PolicyCompiler journal_policy_compiler() {
  return [](const std::string& source,
            std::uint64_t version) -> Result<std::shared_ptr<const Policy>> {
    policy::LoadResult loaded = policy::load_policy(source, "journal", version);
    if (!loaded.loaded) {
      std::string why;
      for (const policy::Diagnostic& d : loaded.diagnostics) {
        if (!why.empty()) why += "; ";
        why += d.to_string();
      }
      return make_error(ErrorCode::InvalidField, "policy", why);
    }
    return loaded.loaded->policy;
  };
}

std::optional<std::string> existing_data_dir_problem(const std::string& dir) {
  std::error_code ec;
  const auto status = std::filesystem::status(dir, ec);
  if (!std::filesystem::exists(status)) return "no such data directory";
  if (!std::filesystem::is_directory(status)) return "not a directory";
  return std::nullopt;
}

}  // namespace sb::app
