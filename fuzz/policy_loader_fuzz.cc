// libFuzzer target: any bytes as a policy file. The loader must never crash, hang or leak; it
// either compiles a policy or reports diagnostics. A policy that compiles must also install in
// a core (the loader and the core's own validation must agree).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/core/core.h"
#include "engine/policy/policy_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  sb::policy::LoadResult result = sb::policy::load_policy(text, "fuzz.yaml");
  if (result.loaded) {
    sb::core::Core core;
    std::vector<sb::Event> events;
    auto installed = core.apply(sb::SetPolicy{result.loaded->policy}, sb::Timestamp{1}, events);
    if (!installed.ok()) __builtin_trap();  // loader accepted what the core refuses
  }
  return 0;
}
