#pragma once
// Web push: the payload encrypted per RFC 8291 (ECDH P-256 + HKDF, RFC 8188
// aes128gcm, one record), VAPID authorization per RFC 8292 (an ES256 JWT for
// the push service's origin) and the RFC 8030 POST to the subscription's
// endpoint. 201 is delivered; 404 and 410 mean the subscription is gone (it
// is deleted); 429 and 5xx are retried.
#include <memory>
#include <string>
#include <string_view>

#include "channel.hpp"
#include "crypto.hpp"
#include "stocktracker/base/clock.hpp"
#include "stocktracker/httpclient/client.hpp"

namespace st::notify {

/// The application server's identity towards push services.
struct VapidIdentity {
  crypto::P256Key key;
  std::string public_key;  // base64url of the uncompressed point, as browsers take it
  std::string subject;     // mailto: or https: contact
};

/// VAPID_PRIVATE_KEY (and VAPID_PUBLIC_KEY, which must then match) as an
/// identity; kInvalidInput naming the setting when a key is malformed.
Result<VapidIdentity> vapid_identity(std::string_view private_key_b64, std::string_view public_key_b64,
                                     std::string subject);

/// A fresh VAPID key pair as the settings take it (base64url).
struct VapidKeyPair {
  std::string public_key;
  std::string private_key;
};
Result<VapidKeyPair> generate_vapid_keys();

/// RFC 8291 §3.4/RFC 8188 body: salt || rs || idlen || sender public key ||
/// AES-128-GCM(plaintext || 0x02). `sender` is a fresh key per message and
/// `salt` 16 random bytes, except in tests that pin them.
Result<std::string> encrypt_push_payload(std::string_view plaintext, std::string_view ua_public,
                                         std::string_view auth_secret, const crypto::P256Key& sender,
                                         std::string_view salt);

/// "scheme://host[:port]" of an endpoint: the JWT's audience.
std::string push_audience(std::string_view endpoint);

/// "vapid t=<ES256 JWT>, k=<public key>" valid for 12 hours from `now`.
Result<std::string> vapid_authorization(const VapidIdentity& vapid, std::string_view endpoint, EpochMs now);

/// What the service worker receives: {"title","body","alert_id","notification_id"}.
std::string push_payload_json(const OutboundMessage& message);

/// Pushes to every subscription of the user. Sent when at least one push
/// service took it and none asked for a retry; a retry goes to all the
/// user's subscriptions again (a push service may then show a second copy).
class WebPushSender final : public ChannelSender {
 public:
  WebPushSender(VapidIdentity vapid, std::unique_ptr<httpclient::Client> client)
      : vapid_(std::move(vapid)), client_(std::move(client)) {}
  [[nodiscard]] model::Channel channel() const override { return model::Channel::kPush; }
  Attempt send(const OutboundMessage& message) override;

 private:
  Attempt send_one(const PushSubscription& subscription, std::string_view payload);

  VapidIdentity vapid_;
  std::unique_ptr<httpclient::Client> client_;
};

}  // namespace st::notify
