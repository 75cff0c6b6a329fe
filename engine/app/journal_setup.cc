#include "engine/app/journal_setup.h"

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

}  // namespace sb::app
