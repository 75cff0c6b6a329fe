#include "engine/api/api_response.h"

#include <algorithm>

#include "engine/api/json_encode.h"

namespace sb::api {

ApiResponse error_response(const ApiError& error, int retry_after_s) {
  ApiResponse r;
  r.status = static_cast<unsigned>(error.status);
  r.body = encode_error(error);
  r.error = error;
  if (error.status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  if (error.status == 429 || error.status == 503) {
    r.headers.emplace_back("Retry-After", std::to_string(std::max(1, retry_after_s)));
  }
  return r;
}

}  // namespace sb::api
