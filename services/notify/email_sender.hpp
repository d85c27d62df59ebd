#pragma once
// E-mail: an alert rendered as an RFC 5322 message (email_message.hpp) and
// submitted over SMTP with libcurl (stocktracker/httpclient/smtp.hpp).
#include <string>

#include "channel.hpp"
#include "stocktracker/httpclient/smtp.hpp"

namespace st::notify {

class SmtpEmailSender final : public ChannelSender {
 public:
  SmtpEmailSender(httpclient::SmtpServer server, std::string from)
      : server_(std::move(server)), from_(std::move(from)) {}
  [[nodiscard]] model::Channel channel() const override { return model::Channel::kEmail; }
  Attempt send(const OutboundMessage& message) override;

 private:
  httpclient::SmtpServer server_;
  std::string from_;
};

}  // namespace st::notify
