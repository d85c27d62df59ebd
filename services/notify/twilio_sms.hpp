#pragma once
// SMS through Twilio's REST API: POST {base}/2010-04-01/Accounts/{sid}/Messages.json
// with a form-encoded To, From and Body and HTTP basic auth (sid:token).
// Twilio answers 201 with the message resource, or an error object
// {"code","message","more_info","status"}; 429 and 5xx are worth a retry.
#include <memory>
#include <string>
#include <string_view>

#include "channel.hpp"
#include "stocktracker/base/clock.hpp"
#include "stocktracker/httpclient/client.hpp"

namespace st::notify {

struct TwilioAccount {
  std::string base_url;  // https://api.twilio.com, or a local fake in tests
  std::string sid;
  std::string token;  // never logged
  std::string from;   // the account's sending number, E.164
};

/// Twilio's limit for one message body, in characters.
inline constexpr std::size_t kMaxSmsChars = 1600;

/// The request that sends `text` to `to`.
[[nodiscard]] httpclient::Request twilio_request(const TwilioAccount& account, std::string_view to,
                                                 std::string_view text);
/// Twilio's answer as an Attempt; the detail names Twilio's error code.
[[nodiscard]] Attempt classify_twilio_response(const httpclient::Response& response, EpochMs now);

class TwilioSmsSender final : public ChannelSender {
 public:
  TwilioSmsSender(TwilioAccount account, std::unique_ptr<httpclient::Client> client)
      : account_(std::move(account)), client_(std::move(client)) {}
  [[nodiscard]] model::Channel channel() const override { return model::Channel::kSms; }
  Attempt send(const OutboundMessage& message) override;

 private:
  TwilioAccount account_;
  std::unique_ptr<httpclient::Client> client_;
};

}  // namespace st::notify
