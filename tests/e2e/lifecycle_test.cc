// End to end, on the real binary: agents register and become available, interactions on several
// channels are offered (seen on the stream), accepted, completed; a returning customer reaches
// the agent of the earlier contact on another channel; transfers, cancels and idempotent
// retries; many concurrent clients; commands over the stream; pipelining; /metrics; graceful
// shutdown.
#include <doctest/doctest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <csignal>
#include <set>
#include <thread>

#include "engine/client/http_client.h"
#include "engine/client/stream_client.h"
#include "tests/e2e/api_helpers.h"
#include "tests/e2e/server_process.h"

namespace sb::e2e {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

json::object parse(const std::string& text) { return json::parse(text).as_object(); }

std::string str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

struct Api {
  client::HttpClient http;
  explicit Api(const ServerProcess& server, std::string token = "")
      : http(server.endpoint(std::move(token))) {}

  client::HttpResponse put_agent(const std::string& id, const std::string& body) {
    return http.request("PUT", "/v1/agents/" + id, body);
  }
  void available(const std::string& id) {
    auto r = http.request("POST", "/v1/agents/" + id + "/state", R"({"state":"available"})");
    REQUIRE(r.status == 200);
  }
  client::HttpResponse create(const std::string& body) {
    return http.request("POST", "/v1/interactions", body);
  }
  json::object get(const std::string& target) {
    auto r = http.request("GET", target);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return parse(r.body);
  }
};

// The next event of `type` about `interaction` on the stream.
json::object next_event(client::StreamClient& stream, const std::string& type,
                        const std::string& interaction) {
  auto message = stream.read_until(
      [&](const std::string& m) {
        auto o = parse(m);
        if (str(o, "type") != type) return false;
        const auto& data = o.at("data").as_object();
        if (str(data, "interaction_id") == interaction) return true;
        const json::value* i = data.if_contains("interaction");
        return i != nullptr && str(i->as_object(), "id") == interaction;
      },
      10s);
  REQUIRE_MESSAGE(message.has_value(), "no " << type << " for " << interaction);
  return parse(*message);
}

void subscribe_all(client::StreamClient& stream) {
  stream.send(R"({"op":"subscribe","agents":["*"],"queues":["*"],"request_id":"sub"})");
  auto reply = stream.read_until(
      [](const std::string& m) { return m.find("\"sub\"") != std::string::npos; }, 10s);
  REQUIRE(reply);
  CHECK(str(parse(*reply), "op") == "reply");
}

TEST_CASE("the whole lifecycle, on two channels, with affinity across them") {
  ServerProcess server(e2e_spec());
  Api api(server);
  client::StreamClient stream(server.endpoint());
  subscribe_all(stream);

  REQUIRE(api.put_agent("senior", R"({"skills":{"billing":10},"languages":["en"]})").status == 200);
  REQUIRE(api.put_agent("junior", R"({"skills":{"billing":6},"languages":["en"]})").status == 200);
  // Only the junior is there this morning.
  api.available("junior");
  auto agent_event = next_event(stream, "switchboard.agent.state", "");
  (void)agent_event;

  auto chat = api.create(
      R"({"id":"chat-1","channel":"chat","customer_id":"c-42","attributes":{"intent":"billing"},"sentiment":-0.2})");
  REQUIRE_MESSAGE(chat.status == 202, chat.body);
  auto created = parse(chat.body);
  CHECK(str(created, "state") == "offered");
  CHECK(str(created, "queue") == "billing");

  auto offer = next_event(stream, "switchboard.offer.created", "chat-1");
  CHECK(offer.at("specversion") == "1.0");
  auto& data = offer.at("data").as_object();
  CHECK(str(data, "agent_id") == "junior");
  CHECK(str(data.at("explanation").as_object(), "reason") == "best_score");
  const std::string offer_id = str(data, "offer_id");
  REQUIRE_FALSE(offer_id.empty());

  auto accepted = api.http.request("POST", "/v1/offers/" + offer_id + "/accept");
  REQUIRE_MESSAGE(accepted.status == 200, accepted.body);
  CHECK(str(parse(accepted.body), "state") == "assigned");
  auto assigned = next_event(stream, "switchboard.interaction.assigned", "chat-1");
  CHECK(str(assigned.at("data").as_object(), "agent_id") == "junior");
  // Accepting twice is refused (the offer is settled) and changes nothing.
  const unsigned twice = api.http.request("POST", "/v1/offers/" + offer_id + "/accept").status;
  CHECK((twice == 404 || twice == 409));

  auto view = api.get("/v1/interactions/chat-1");
  CHECK(str(view, "state") == "assigned");
  CHECK(str(view, "agent_id") == "junior");
  CHECK(view.at("explanation").is_object());

  auto done =
      api.http.request("POST", "/v1/interactions/chat-1/complete", R"({"outcome":"resolved"})");
  REQUIRE_MESSAGE(done.status == 200, done.body);
  next_event(stream, "switchboard.interaction.completed", "chat-1");

  // Later the senior is in too; the customer calls. The call goes to the junior who saw the chat.
  api.available("senior");
  auto call = api.create(
      R"({"id":"call-1","channel":"voice","customer_id":"c-42","attributes":{"intent":"billing"}})");
  REQUIRE_MESSAGE(call.status == 202, call.body);
  auto call_offer = next_event(stream, "switchboard.offer.created", "call-1");
  auto& call_data = call_offer.at("data").as_object();
  CHECK(str(call_data, "agent_id") == "junior");
  // The offer carries the customer's journey: this morning's chat.
  const auto& journey = call_data.at("journey").as_array();
  REQUIRE(journey.size() >= 1);
  CHECK(str(journey[0].as_object(), "interaction_id") == "chat-1");
  CHECK(str(journey[0].as_object(), "agent_id") == "junior");

  auto customer = api.get("/v1/customers/c-42/journey");
  CHECK(customer.at("contacts").as_array().size() == 2);
  auto queue = api.get("/v1/queues/billing");
  CHECK(queue.at("entered").to_number<int>() == 2);

  const int status = server.stop(SIGTERM);
  CHECK_MESSAGE(status == 0, server.log());
}

TEST_CASE("reject re-routes to another agent; transfer and cancel") {
  ServerProcess server(e2e_spec());
  Api api(server);
  client::StreamClient stream(server.endpoint());
  subscribe_all(stream);
  REQUIRE(api.put_agent("b1", R"({"skills":{"billing":9}})").status == 200);
  REQUIRE(api.put_agent("b2", R"({"skills":{"billing":7}})").status == 200);
  REQUIRE(api.put_agent("t1", R"({"skills":{"tech":9}})").status == 200);
  for (auto id : {"b1", "b2", "t1"}) api.available(id);

  REQUIRE(
      api.create(
             R"({"id":"e-1","channel":"email","customer_id":"c1","attributes":{"intent":"billing"}})")
          .status == 202);
  auto first = next_event(stream, "switchboard.offer.created", "e-1");
  const std::string first_agent = str(first.at("data").as_object(), "agent_id");
  const std::string first_offer = str(first.at("data").as_object(), "offer_id");
  auto rejected =
      api.http.request("POST", "/v1/offers/" + first_offer + "/reject", R"({"reason":"busy"})");
  REQUIRE_MESSAGE(rejected.status == 200, rejected.body);
  next_event(stream, "switchboard.offer.rejected", "e-1");
  auto second = next_event(stream, "switchboard.offer.created", "e-1");
  CHECK(str(second.at("data").as_object(), "agent_id") != first_agent);

  // Accept, then hand it to tech: a tech agent gets it.
  const std::string second_offer = str(second.at("data").as_object(), "offer_id");
  REQUIRE(api.http.request("POST", "/v1/offers/" + second_offer + "/accept").status == 200);
  auto moved = api.http.request("POST", "/v1/interactions/e-1/transfer", R"({"queue":"tech"})");
  REQUIRE_MESSAGE(moved.status == 200, moved.body);
  next_event(stream, "switchboard.interaction.transferred", "e-1");
  auto third = next_event(stream, "switchboard.offer.created", "e-1");
  CHECK(str(third.at("data").as_object(), "agent_id") == "t1");

  // A waiting interaction that the customer leaves is abandoned.
  REQUIRE(api.put_agent("nobody-home", R"({"skills":{"billing":1}})").status == 200);
  REQUIRE(api.http.request("POST", "/v1/agents/t1/state", R"({"state":"away","reason":"lunch"})")
              .status == 200);
  REQUIRE(
      api.create(
             R"({"id":"c-9","channel":"chat","customer_id":"c9","attributes":{"intent":"tech"}})")
          .status == 202);
  CHECK(str(api.get("/v1/interactions/c-9"), "state") == "queued");
  CHECK(api.get("/v1/interactions/c-9").contains("estimated_wait_s"));
  auto cancelled =
      api.http.request("POST", "/v1/interactions/c-9/cancel", R"({"reason":"hung up"})");
  REQUIRE_MESSAGE(cancelled.status == 200, cancelled.body);
  CHECK(str(parse(cancelled.body), "state") == "abandoned");
  next_event(stream, "switchboard.interaction.abandoned", "c-9");
}

TEST_CASE("retried creates are idempotent; a different body with the same id is a conflict") {
  ServerProcess server(e2e_spec());
  Api api(server);
  const std::string body =
      R"({"id":"dup-1","channel":"chat","customer_id":"c1","attributes":{"intent":"billing"}})";
  auto first = api.create(body);
  REQUIRE(first.status == 202);
  CHECK(first.header("Idempotent-Replayed").empty());
  for (int k = 0; k < 5; ++k) {
    auto again = api.create(body);
    CHECK(again.status == 202);
    CHECK(again.body == first.body);
    CHECK(again.header("Idempotent-Replayed") == "true");
  }
  auto other = api.create(
      R"({"id":"dup-1","channel":"chat","customer_id":"c2","attributes":{"intent":"billing"}})");
  CHECK(other.status == 409);
  CHECK(str(parse(other.body).at("error").as_object(), "code") == "conflict");
  CHECK(api.get("/v1/queues/billing").at("entered").to_number<int>() == 1);
}

TEST_CASE("many concurrent clients: every create answered once, nothing lost or doubled") {
  ServerProcess server(e2e_spec("io_threads: 2\n"));
  constexpr int kClients = 16;
  constexpr int kEach = 100;
  std::atomic<int> accepted{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      client::HttpClient http(server.endpoint());
      for (int k = 0; k < kEach; ++k) {
        const std::string id = "m-" + std::to_string(c) + "-" + std::to_string(k);
        const std::string body = R"({"id":")" + id + R"(","channel":"email","customer_id":"c)" +
                                 std::to_string(k) + R"(","attributes":{"intent":"billing"}})";
        auto r = http.request("POST", "/v1/interactions", body);
        // Retry each once: the same answer, never a second interaction.
        auto retry = http.request("POST", "/v1/interactions", body);
        if (r.status == 202 && retry.status == 202 && retry.body == r.body) {
          accepted.fetch_add(1);
        } else {
          failures.fetch_add(1);
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  CHECK(failures.load() == 0);
  CHECK(accepted.load() == kClients * kEach);
  Api api(server);
  CHECK(api.get("/v1/queues/billing").at("waiting").to_number<int>() == kClients * kEach);
}

TEST_CASE("commands over the stream answer like HTTP, with the request id") {
  ServerProcess server(e2e_spec());
  client::StreamClient stream(server.endpoint());
  stream.send(R"({"op":"agent.upsert","request_id":"r1","id":"w1","skills":{"billing":8}})");
  auto r1 = stream.read_until(
      [](const std::string& m) { return m.find("\"r1\"") != std::string::npos; }, 10s);
  REQUIRE(r1);
  auto reply = parse(*r1);
  CHECK(str(reply, "op") == "reply");
  CHECK(reply.at("status").to_number<int>() == 200);
  CHECK(str(reply.at("result").as_object(), "id") == "w1");

  stream.send(
      R"({"op":"interaction.create","request_id":"r2","id":"ws-1","channel":"chat","customer_id":"c1","attributes":{"intent":"billing"}})");
  auto r2 = stream.read_until(
      [](const std::string& m) { return m.find("\"r2\"") != std::string::npos; }, 10s);
  REQUIRE(r2);
  CHECK(parse(*r2).at("status").to_number<int>() == 202);

  stream.send(
      R"({"op":"interaction.create","request_id":"r3","id":"ws-2","channel":"fax","customer_id":"c1"})");
  auto r3 = stream.read_until(
      [](const std::string& m) { return m.find("\"r3\"") != std::string::npos; }, 10s);
  REQUIRE(r3);
  auto error = parse(*r3);
  CHECK(str(error, "op") == "error");
  CHECK(str(error.at("error").as_object(), "code") == "unknown_channel");

  stream.send("{not json");
  auto r4 = stream.read(10s);
  REQUIRE(r4);
  CHECK(str(parse(*r4).at("error").as_object(), "code") == "malformed_json");
  // The session survives bad input.
  stream.send(R"({"op":"subscribe","agents":["w1"],"request_id":"r5"})");
  CHECK(stream.read_until(
      [](const std::string& m) { return m.find("\"r5\"") != std::string::npos; }, 10s));
}

TEST_CASE("a stream client that sends far ahead of reading is answered in order") {
  ServerProcess server(e2e_spec());
  client::StreamClient stream(server.endpoint());
  // Four times the session's backlog bound (256): when answers pile up the server stops reading
  // and must read on as they are taken, losing and reordering nothing. Small enough to sit in
  // the loopback socket buffers, so that the client's blocking writes cannot stall.
  constexpr int kCommands = 1024;
  for (int k = 0; k < kCommands; ++k) {
    const std::string n = std::to_string(k);
    stream.send(R"({"op":"interaction.create","request_id":"p)" + n + R"(","id":"p-)" + n +
                R"(","channel":"chat","customer_id":"c)" + n + R"("})");
  }
  int answered = 0;
  int accepted = 0;
  while (answered < kCommands) {
    auto message = stream.read(10s);
    REQUIRE(message);
    auto reply = parse(*message);
    REQUIRE(str(reply, "op") == "reply");
    CHECK(str(reply, "request_id") == "p" + std::to_string(answered));
    accepted += reply.at("status").to_number<int>() == 202;
    ++answered;
  }
  CHECK(accepted == kCommands);
  stream.close();
  CHECK_MESSAGE(server.stop(SIGTERM) == 0, server.log());
}

}  // namespace
}  // namespace sb::e2e

namespace sb::e2e {
namespace {

TEST_CASE("GET /metrics is Prometheus text with the core's and the runtime's numbers") {
  ServerProcess server(e2e_spec("metrics: {report_interval: 50ms}\n"));
  Api api(server);
  for (int k = 0; k < 3; ++k) {
    REQUIRE(
        api.create(R"({"id":"w-)" + std::to_string(k) +
                   R"(","channel":"email","customer_id":"c","attributes":{"intent":"billing"}})")
            .status == 202);
  }
  CHECK(api.create(R"({"id":"bad","channel":"fax","customer_id":"c"})").status == 422);
  // The core publishes its figures every report interval: a scrape shows them soon after.
  CHECK(eventually([&] {
    auto r = api.http.request("GET", "/metrics");
    return r.status == 200 &&
           r.body.find("\nswitchboard_interactions{state=\"queued\"} 3") != std::string::npos;
  }));
  auto r = api.http.request("GET", "/metrics");
  REQUIRE(r.status == 200);
  CHECK(r.header("Content-Type").starts_with("text/plain; version=0.0.4"));
  CHECK(sample(r.body, R"(switchboard_interactions{state="queued"})") == 3);
  CHECK(sample(r.body,
               R"(switchboard_commands_total{command="interaction.create",result="applied"})") ==
        3);
  CHECK(sample(r.body,
               R"(switchboard_commands_total{command="interaction.create",result="rejected"})") ==
        1);
  CHECK(sample(r.body, R"(switchboard_queue_waiting{channel="email",queue="billing"})") == 3);
  CHECK(sample(r.body, R"(switchboard_queue_entered_total{channel="email",queue="billing"})") == 3);
  CHECK(sample(r.body, "switchboard_connections") >= 1);
  CHECK(sample(r.body, R"(switchboard_policy_reloads_total{result="accepted"})") == 1);
  CHECK(sample(r.body,
               R"(switchboard_http_requests_total{code="202",route="POST /v1/interactions"})") ==
        3);
  CHECK(r.body.find("switchboard_build_info{version=") != std::string::npos);
  CHECK(r.body.find("switchboard_policy_info{sha256=") != std::string::npos);
}

}  // namespace
}  // namespace sb::e2e

namespace sb::e2e {
namespace {

TEST_CASE("pipelined requests on one connection are answered in order") {
  ServerProcess server(e2e_spec());
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
  const std::string create =
      R"({"id":"p-1","channel":"email","customer_id":"c","attributes":{"intent":"billing"}})";
  // Three requests in one write: the create must be applied before the GET that follows it.
  const std::string requests =
      "GET /livez HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /v1/interactions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(create.size()) + "\r\n\r\n" + create +
      "GET /v1/interactions/p-1 HTTP/1.1\r\nHost: x\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(requests));
  boost::beast::flat_buffer buffer;
  std::vector<unsigned> statuses;
  std::string last_body;
  for (int k = 0; k < 3; ++k) {
    boost::beast::http::response<boost::beast::http::string_body> response;
    boost::beast::http::read(socket, buffer, response);
    statuses.push_back(response.result_int());
    last_body = response.body();
  }
  CHECK(statuses == std::vector<unsigned>{200, 202, 200});
  CHECK(str(parse(last_body), "id") == "p-1");
}

}  // namespace
}  // namespace sb::e2e
