#include "engine/api/policy_admin.h"

#include <boost/asio/post.hpp>
#include <boost/json.hpp>

#include "engine/api/api_error.h"
#include "engine/api/json_encode.h"
#include "engine/runtime/runtime.h"

namespace sb::api {
namespace {

boost::json::object record_json(const policy::ReloadRecord& r) {
  boost::json::array errors;
  for (const std::string& e : r.errors) errors.emplace_back(e);
  return {{"version", r.version},   {"at", format_time(r.at)},
          {"sha256", r.sha256},     {"trigger", policy::to_string(r.trigger)},
          {"accepted", r.accepted}, {"errors", std::move(errors)}};
}

ApiResponse invalid_policy(std::vector<std::string> errors) {
  ApiError e;
  e.status = 422;
  e.code = "invalid_policy";  // the whole upload: no field (docs/api.md)
  e.message = std::to_string(errors.size()) + (errors.size() == 1 ? " problem" : " problems") +
              "; the running policy is unchanged";
  e.details = std::move(errors);
  return error_response(e);
}

}  // namespace

std::string encode_reload_record(const policy::ReloadRecord& record) {
  return boost::json::serialize(record_json(record));
}

PolicyAdmin::PolicyAdmin(policy::PolicyReloader& reloader, std::string source_name)
    : reloader_(reloader), source_name_(std::move(source_name)) {}

PolicyAdmin::~PolicyAdmin() { admin_.join(); }

ApiResponse PolicyAdmin::current() const {
  auto current = reloader_.current();
  if (!current) {
    return error_response(ApiError{503, "no_policy", std::nullopt, "no policy is installed", {}});
  }
  boost::json::object body{{"version", current->first},
                           {"sha256", policy::sha256_hex(current->second)},
                           {"source", current->second}};
  return json_response(200, boost::json::serialize(body));
}

ApiResponse PolicyAdmin::history() const {
  boost::json::array list;
  for (const policy::ReloadRecord& r : reloader_.history()) list.push_back(record_json(r));
  return json_response(200, boost::json::serialize(boost::json::object{{"history", list}}));
}

void PolicyAdmin::install(std::string yaml, Respond done) {
  boost::asio::post(admin_, [this, yaml = std::move(yaml), done = std::move(done)] {
    policy::ReloadRecord r =
        reloader_.reload(yaml, policy::ReloadTrigger::Api, runtime::system_now());
    if (!r.accepted && r.engine_unavailable) {
      // Nothing wrong with the policy: the engine could not take it now.
      ApiResponse busy = error_response(from_core_error(*r.engine_unavailable));
      busy.headers.emplace_back("Retry-After", "1");
      return done(std::move(busy));
    }
    if (!r.accepted) return done(invalid_policy(std::move(r.errors)));
    boost::json::object body{{"version", r.version}, {"sha256", r.sha256}, {"accepted", true}};
    done(json_response(200, boost::json::serialize(body)));
  });
}

void PolicyAdmin::validate(std::string yaml, Respond done) {
  boost::asio::post(admin_, [this, yaml = std::move(yaml), done = std::move(done)] {
    policy::CheckedPolicy checked = policy::check_policy(yaml, source_name_);
    if (!checked.errors.empty()) return done(invalid_policy(std::move(checked.errors)));
    boost::json::object body{{"valid", true}, {"sha256", policy::sha256_hex(yaml)}};
    done(json_response(200, boost::json::serialize(body)));
  });
}

}  // namespace sb::api
