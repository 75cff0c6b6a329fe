#include "engine/journal/codec.h"

#include <bit>
#include <type_traits>

#include "engine/journal/format.h"

namespace sb::journal {
namespace {

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) { put_le(out_, v); }
  void u64(std::uint64_t v) { put_le(out_, v); }
  void f64(double v) { put_le(out_, std::bit_cast<std::uint64_t>(v)); }
  void str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
  }
  void attrs(const Attributes& a) {
    u32(static_cast<std::uint32_t>(a.size()));
    for (const auto& [key, value] : a) {
      str(key);
      u8(static_cast<std::uint8_t>(value.index()));
      if (const auto* s = std::get_if<std::string>(&value)) str(*s);
      if (const auto* d = std::get_if<double>(&value)) f64(*d);
      if (const auto* b = std::get_if<bool>(&value)) u8(*b ? 1 : 0);
    }
  }
  template <typename T, typename F>
  void opt(const std::optional<T>& v, F put) {
    u8(v ? 1 : 0);
    if (v) put(*v);
  }

 private:
  std::string& out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool done() const { return pos_ == in_.size(); }

  std::uint8_t u8() {
    if (!need(1)) return 0;
    return static_cast<std::uint8_t>(in_[pos_++]);
  }
  std::uint32_t u32() { return fixed<std::uint32_t>(); }
  std::uint64_t u64() { return fixed<std::uint64_t>(); }
  double f64() { return std::bit_cast<double>(fixed<std::uint64_t>()); }
  std::string str() {
    const std::uint32_t n = u32();
    if (!need(n)) return {};
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  Attributes attrs() {
    Attributes a;
    const std::uint32_t n = u32();
    // Each attribute takes at least 6 bytes: a bound on what a corrupt count may reserve.
    if (!need(static_cast<std::size_t>(n) * 6)) return a;
    a.reserve(n);
    for (std::uint32_t k = 0; k < n && ok_; ++k) {
      std::string key = str();
      switch (u8()) {
        case 0:
          a.emplace_back(std::move(key), AttributeValue{str()});
          break;
        case 1:
          a.emplace_back(std::move(key), AttributeValue{f64()});
          break;
        case 2:
          a.emplace_back(std::move(key), AttributeValue{u8() != 0});
          break;
        default:
          ok_ = false;
      }
    }
    return a;
  }
  template <typename T, typename F>
  std::optional<T> opt(F get) {
    if (u8() == 0) return std::nullopt;
    return get();
  }
  template <typename E>
  E enumeration(std::uint8_t max) {
    const std::uint8_t v = u8();
    if (v > max) ok_ = false;
    return static_cast<E>(v);
  }

 private:
  bool need(std::size_t n) {
    if (!ok_ || in_.size() - pos_ < n) ok_ = false;
    return ok_;
  }
  template <typename T>
  T fixed() {
    if (!need(sizeof(T))) return 0;
    const T v = get_le<T>(in_.data() + pos_);
    pos_ += sizeof(T);
    return v;
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace

bool encode_command(const Command& command, std::string& out) {
  if (const auto* p = std::get_if<SetPolicy>(&command)) {
    if (!p->policy || p->source.empty()) return false;
  }
  Writer w(out);
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, UpsertAgent>) {
          w.u8(static_cast<std::uint8_t>(CommandTag::UpsertAgent));
          w.str(c.agent_id);
          w.u32(static_cast<std::uint32_t>(c.skills.size()));
          for (const auto& [name, level] : c.skills) {
            w.str(name);
            w.u32(static_cast<std::uint32_t>(level));
          }
          w.u32(static_cast<std::uint32_t>(c.languages.size()));
          for (const std::string& l : c.languages) w.str(l);
          w.u32(static_cast<std::uint32_t>(c.channels.size()));
          for (const auto& [name, capacity] : c.channels) {
            w.str(name);
            w.u32(capacity);
          }
          w.attrs(c.attributes);
          w.u8(static_cast<std::uint8_t>(c.kind));
        } else if constexpr (std::is_same_v<T, SetAgentState>) {
          w.u8(static_cast<std::uint8_t>(CommandTag::SetAgentState));
          w.str(c.agent_id);
          w.u8(static_cast<std::uint8_t>(c.state));
          w.str(c.reason);
        } else if constexpr (std::is_same_v<T, CreateInteraction>) {
          w.u8(static_cast<std::uint8_t>(CommandTag::CreateInteraction));
          w.str(c.interaction_id);
          w.str(c.channel);
          w.str(c.customer_id);
          w.attrs(c.attributes);
          w.f64(c.sentiment);
          w.f64(c.priority);
        } else if constexpr (std::is_same_v<T, UpdateInteraction>) {
          w.u8(static_cast<std::uint8_t>(CommandTag::UpdateInteraction));
          w.str(c.interaction_id);
          w.opt(c.sentiment, [&](double v) { w.f64(v); });
          w.opt(c.attributes, [&](const Attributes& a) { w.attrs(a); });
          w.opt(c.priority, [&](double v) { w.f64(v); });
        } else if constexpr (std::is_same_v<T, CancelInteraction>) {
          w.u8(static_cast<std::uint8_t>(CommandTag::CancelInteraction));
          w.str(c.interaction_id);
          w.str(c.reason);
        } else if constexpr (std::is_same_v<T, TransferInteraction>) {
          w.u8(static_cast<std::uint8_t>(CommandTag::TransferInteraction));
          w.str(c.interaction_id);
          w.str(c.queue);
          w.str(c.agent_id);
        } else if constexpr (std::is_same_v<T, CompleteInteraction>) {
          w.u8(static_cast<std::uint8_t>(CommandTag::CompleteInteraction));
          w.str(c.interaction_id);
          w.str(c.outcome);
        } else if constexpr (std::is_same_v<T, AcceptOffer>) {
          w.u8(static_cast<std::uint8_t>(CommandTag::AcceptOffer));
          w.u64(c.offer_id);
        } else if constexpr (std::is_same_v<T, RejectOffer>) {
          w.u8(static_cast<std::uint8_t>(CommandTag::RejectOffer));
          w.u64(c.offer_id);
          w.str(c.reason);
        } else {
          static_assert(std::is_same_v<T, SetPolicy>);
          w.u8(static_cast<std::uint8_t>(CommandTag::SetPolicy));
          w.u64(c.policy->version);
          w.str(c.source);
        }
      },
      command);
  return true;
}

Result<DecodedCommand> decode_command(std::string_view payload) {
  Reader r(payload);
  DecodedCommand out;
  const std::uint8_t tag = r.u8();
  switch (static_cast<CommandTag>(tag)) {
    case CommandTag::UpsertAgent: {
      UpsertAgent c;
      c.agent_id = r.str();
      for (std::uint32_t n = r.u32(); n > 0 && r.ok(); --n) {
        std::string name = r.str();
        c.skills.emplace_back(std::move(name), static_cast<int>(r.u32()));
      }
      for (std::uint32_t n = r.u32(); n > 0 && r.ok(); --n) c.languages.push_back(r.str());
      for (std::uint32_t n = r.u32(); n > 0 && r.ok(); --n) {
        std::string name = r.str();
        c.channels.emplace_back(std::move(name), r.u32());
      }
      c.attributes = r.attrs();
      c.kind = r.enumeration<AgentKind>(static_cast<std::uint8_t>(AgentKind::Bot));
      out.command = std::move(c);
      break;
    }
    case CommandTag::SetAgentState: {
      SetAgentState c;
      c.agent_id = r.str();
      c.state = r.enumeration<Presence>(static_cast<std::uint8_t>(Presence::WrapUp));
      c.reason = r.str();
      out.command = std::move(c);
      break;
    }
    case CommandTag::CreateInteraction: {
      CreateInteraction c;
      c.interaction_id = r.str();
      c.channel = r.str();
      c.customer_id = r.str();
      c.attributes = r.attrs();
      c.sentiment = r.f64();
      c.priority = r.f64();
      out.command = std::move(c);
      break;
    }
    case CommandTag::UpdateInteraction: {
      UpdateInteraction c;
      c.interaction_id = r.str();
      c.sentiment = r.opt<double>([&] { return r.f64(); });
      c.attributes = r.opt<Attributes>([&] { return r.attrs(); });
      c.priority = r.opt<double>([&] { return r.f64(); });
      out.command = std::move(c);
      break;
    }
    case CommandTag::CancelInteraction: {
      CancelInteraction c;
      c.interaction_id = r.str();
      c.reason = r.str();
      out.command = std::move(c);
      break;
    }
    case CommandTag::TransferInteraction: {
      TransferInteraction c;
      c.interaction_id = r.str();
      c.queue = r.str();
      c.agent_id = r.str();
      out.command = std::move(c);
      break;
    }
    case CommandTag::CompleteInteraction: {
      CompleteInteraction c;
      c.interaction_id = r.str();
      c.outcome = r.str();
      out.command = std::move(c);
      break;
    }
    case CommandTag::AcceptOffer:
      out.command = AcceptOffer{r.u64()};
      break;
    case CommandTag::RejectOffer: {
      RejectOffer c;
      c.offer_id = r.u64();
      c.reason = r.str();
      out.command = std::move(c);
      break;
    }
    case CommandTag::SetPolicy: {
      SetPolicy c;
      out.policy_version = r.u64();
      c.source = r.str();
      out.command = std::move(c);
      break;
    }
    default:
      return make_error(ErrorCode::InvalidField, "command",
                        "unknown command tag " + std::to_string(tag));
  }
  if (!r.ok()) return make_error(ErrorCode::InvalidField, "command", "truncated or malformed");
  if (!r.done()) return make_error(ErrorCode::InvalidField, "command", "trailing bytes");
  return out;
}

}  // namespace sb::journal
