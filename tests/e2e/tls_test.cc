// End to end, on the real binary with TLS: HTTPS requests and a WSS stream verified against a
// throw-away certificate carry a whole interaction (an offer seen on the stream, accepted over
// the stream); plain HTTP and a plain WebSocket on the TLS port get no answer, and the server
// keeps serving; a missing certificate stops the start-up with the file's name.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>

#include "tests/client/test_cert.h"
#include "tests/e2e/api_helpers.h"

namespace sb::e2e {
namespace {

using namespace std::chrono_literals;

// A certificate and its key in a temporary directory, removed at the end of the test.
struct CertFiles {
  std::string dir = make_temp_dir();
  std::string certificate = dir + "/server.crt";
  std::string private_key = dir + "/server.key";
  CertFiles() {
    const client::test::TestCert cert = client::test::make_test_cert();
    write_file(certificate, cert.certificate_pem);
    write_file(private_key, cert.private_key_pem);
  }
  ~CertFiles() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  std::string config() const {
    return "tls: {certificate: " + certificate + ", private_key: " + private_key + "}\n";
  }
};

TEST_CASE("HTTPS and WSS carry an interaction end to end; plain HTTP gets no answer") {
  const CertFiles files;
  ServerProcess server(e2e_spec(files.config()));
  CHECK(server.log().find("https://") != std::string::npos);
  client::Endpoint secure = server.endpoint();
  secure.tls = true;
  secure.ca_file = files.certificate;

  client::HttpClient https(secure);
  CHECK(https.request("GET", "/readyz").status == 200);
  client::StreamClient wss(secure);
  subscribe_everything(wss);

  REQUIRE(https.request("PUT", "/v1/agents/t1", R"({"skills":{"tech":8}})").status == 200);
  REQUIRE(https.request("POST", "/v1/agents/t1/state", R"({"state":"available"})").status == 200);
  auto created = https.request(
      "POST", "/v1/interactions",
      R"({"id":"tls-1","channel":"chat","customer_id":"c1","attributes":{"intent":"tech"}})");
  REQUIRE_MESSAGE(created.status == 202, created.body);
  CHECK(string_at(parse_object(created.body), "state") == "offered");

  auto offer = wss.read_until(
      [](const std::string& m) {
        return m.find("switchboard.offer.created") != std::string::npos &&
               m.find("\"tls-1\"") != std::string::npos;
      },
      10s);
  REQUIRE(offer);
  const json::object data = parse_object(*offer).at("data").as_object();
  CHECK(string_at(data, "agent_id") == "t1");
  wss.send(R"({"op":"offer.accept","request_id":"acc","offer_id":")" + string_at(data, "offer_id") +
           "\"}");
  auto accepted = stream_answer(wss, "acc");
  CHECK(number_at(accepted, "status") == 200);
  auto view = https.request("GET", "/v1/interactions/tls-1");
  REQUIRE(view.status == 200);
  CHECK(string_at(parse_object(view.body), "state") == "assigned");

  // Plain HTTP on the TLS port: no HTTP response (the handshake fails, the connection closes).
  {
    client::HttpClient plain(server.endpoint());
    bool answered = false;
    try {
      answered = plain.raw("GET /livez HTTP/1.1\r\nHost: x\r\n\r\n", 5s).has_value();
    } catch (const client::ClientError&) {
    }
    CHECK_FALSE(answered);
  }
  // Nor does a plain WebSocket upgrade get in.
  CHECK_THROWS_AS(client::StreamClient(server.endpoint(), "/v1/stream", 5s), client::ClientError);
  // The server goes on serving over TLS, the open stream included.
  CHECK(https.request("GET", "/livez").status == 200);
  client::HttpClient fresh(secure);
  CHECK(fresh.request("POST", "/v1/interactions/tls-1/complete").status == 200);
  CHECK(wss.read_until(
      [](const std::string& m) {
        return m.find("switchboard.interaction.completed") != std::string::npos;
      },
      10s));
  wss.close();
  // SIGTERM closes the idle HTTPS keep-alive connections (https, fresh) too, rather than leave
  // them open until the server gives up waiting.
  CHECK_MESSAGE(server.stop(SIGTERM) == 0, server.log());  // no sanitizer report either
  CHECK_MESSAGE(server.log().find("stopped (0 connections left open)") != std::string::npos,
                server.log());
}

TEST_CASE("a TLS config whose files cannot be read stops the start-up, naming the file") {
  const CertFiles files;
  const std::string missing = files.dir + "/nope.crt";
  write_file(files.dir + "/switchboard.yaml",
             "tls: {certificate: " + missing + ", private_key: " + files.private_key + "}\n");
  write_file(files.dir + "/routing.yaml", e2e_policy());
  auto r = run_switchboard({"serve", "--config", files.dir + "/switchboard.yaml", "--policy",
                            files.dir + "/routing.yaml", "--listen", "127.0.0.1:0", "--data-dir",
                            files.dir + "/data"});
  CHECK(r.status == 1);
  INFO(r.err);
  CHECK(r.err.find(missing) != std::string::npos);
}

}  // namespace
}  // namespace sb::e2e
