// A throw-away self-signed certificate for TLS tests (P-256, CN=localhost, the given subject
// alternative names, valid for a day), as PEM text. Pure; any thread.
#pragma once

#include <string>

namespace sb::client::test {

struct TestCert {
  std::string certificate_pem;  // also the CA to verify it with
  std::string private_key_pem;
};

TestCert make_test_cert(const std::string& alt_names = "DNS:localhost,IP:127.0.0.1");

}  // namespace sb::client::test
