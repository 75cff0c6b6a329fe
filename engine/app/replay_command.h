// `switchboard replay --data-dir DIR [--install-policy FILE] [--json]`: rebuilds the routing state
// from a data directory (the newest snapshot, then the journal) without changing any file, and
// prints what it holds (counts), the state hash and whether it matches the hash the live server
// recorded when it last stopped gracefully. With --install-policy, installs that policy
// afterwards, as a restart with that file would, and reports the state under it. Exit 0, or 1
// with the reason on `err` (a missing directory; a damaged journal names file and offset).
//
// With --policy CANDIDATE.yaml it is the what-if replay instead (whatif_command.h): the
// interface of design.md, `switchboard replay --data-dir DIR --policy FILE`, names the policy
// whose effect is asked about.
#pragma once

#include <cstdio>
#include <string>

namespace sb::app {

struct ReplayOptions {
  std::string data_dir;
  std::string policy_file;          // a candidate: the what-if replay
  std::string install_policy_file;  // installed after the replay (not with policy_file)
  std::uint64_t seed = 1;           // of the what-if replay's modelled draws
  bool json = false;
  bool truncate_corrupt = false;  // stop at damage in the middle instead of failing
};

int run_replay(const ReplayOptions& options, std::FILE* out, std::FILE* err);

}  // namespace sb::app
