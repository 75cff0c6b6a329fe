#include "engine/journal/codec.h"

#include <bit>
#include <type_traits>

#include "engine/common/byte_codec.h"
#include "engine/journal/format.h"

namespace sb::journal {
namespace {

void put_attrs(ByteWriter& w, const Attributes& a) {
  w.u32(static_cast<std::uint32_t>(a.size()));
  for (const auto& [key, value] : a) {
    w.str(key);
    w.u8(static_cast<std::uint8_t>(value.index()));
    if (const auto* s = std::get_if<std::string>(&value)) w.str(*s);
    if (const auto* d = std::get_if<double>(&value)) w.f64(*d);
    if (const auto* b = std::get_if<bool>(&value)) w.u8(*b ? 1 : 0);
  }
}

Attributes get_attrs(ByteReader& r) {
  Attributes a;
  const std::uint32_t n = r.u32();
  // Each attribute takes at least 6 bytes: a bound on what a corrupt count may reserve.
  if (!r.has(static_cast<std::size_t>(n) * 6)) {
    r.fail();
    return a;
  }
  a.reserve(n);
  for (std::uint32_t k = 0; k < n && r.ok(); ++k) {
    std::string key = r.str();
    switch (r.u8()) {
      case 0:
        a.emplace_back(std::move(key), AttributeValue{r.str()});
        break;
      case 1:
        a.emplace_back(std::move(key), AttributeValue{r.f64()});
        break;
      case 2:
        a.emplace_back(std::move(key), AttributeValue{r.u8() != 0});
        break;
      default:
        r.fail();
    }
  }
  return a;
}

}  // namespace

bool encode_command(const Command& command, std::string& out) {
  if (const auto* p = std::get_if<SetPolicy>(&command)) {
    if (!p->policy || p->source.empty()) return false;
  }
  ByteWriter w(out);
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
          put_attrs(w, c.attributes);
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
          put_attrs(w, c.attributes);
          w.f64(c.sentiment);
          w.f64(c.priority);
        } else if constexpr (std::is_same_v<T, UpdateInteraction>) {
          w.u8(static_cast<std::uint8_t>(CommandTag::UpdateInteraction));
          w.str(c.interaction_id);
          w.opt(c.sentiment, [&](double v) { w.f64(v); });
          w.opt(c.attributes, [&](const Attributes& a) { put_attrs(w, a); });
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
  ByteReader r(payload);
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
      c.attributes = get_attrs(r);
      c.kind = r.enumeration(AgentKind::Bot);
      out.command = std::move(c);
      break;
    }
    case CommandTag::SetAgentState: {
      SetAgentState c;
      c.agent_id = r.str();
      c.state = r.enumeration(Presence::WrapUp);
      c.reason = r.str();
      out.command = std::move(c);
      break;
    }
    case CommandTag::CreateInteraction: {
      CreateInteraction c;
      c.interaction_id = r.str();
      c.channel = r.str();
      c.customer_id = r.str();
      c.attributes = get_attrs(r);
      c.sentiment = r.f64();
      c.priority = r.f64();
      out.command = std::move(c);
      break;
    }
    case CommandTag::UpdateInteraction: {
      UpdateInteraction c;
      c.interaction_id = r.str();
      c.sentiment = r.opt<double>([&] { return r.f64(); });
      c.attributes = r.opt<Attributes>([&] { return get_attrs(r); });
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
