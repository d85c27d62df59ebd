#include "email_sender.hpp"

#include "email_message.hpp"

namespace st::notify {

Attempt SmtpEmailSender::send(const OutboundMessage& message) {
  if (message.email.empty()) return {AttemptResult::kPermanent, "the user has no e-mail address", {}, {}};
  const std::string mail = render_email({.from = from_,
                                         .to = message.email,
                                         .subject = message.title,
                                         .text = message.body,
                                         .alert_id = message.alert_id,
                                         .date = message.created_ts});
  auto sent = httpclient::send_mail(server_, from_, message.email, mail);
  if (sent) return {AttemptResult::kSent, {}, {}, {}};
  return {sent.error().retryable() ? AttemptResult::kTransient : AttemptResult::kPermanent, sent.error().message, {},
          {}};
}

}  // namespace st::notify
