#include "web_push.hpp"

#include <fmt/format.h>

#include "stocktracker/base/json_escape.hpp"

namespace st::notify {
namespace {

constexpr std::uint32_t kRecordSize = 4096;
constexpr std::int64_t kJwtLifetimeSeconds = 12 * 3600;  // RFC 8292 §2: at most 24 hours
constexpr int kTtlSeconds = 24 * 3600;                    // how long a push service may hold it

std::string with_zero(std::string_view label) {
  std::string out(label);
  out.push_back('\0');
  return out;
}

}  // namespace

Result<VapidIdentity> vapid_identity(std::string_view private_key_b64, std::string_view public_key_b64,
                                     std::string subject) {
  const auto scalar = crypto::base64url_decode(private_key_b64);
  if (!scalar) return fail(Errc::kInvalidInput, "VAPID_PRIVATE_KEY: not base64url");
  auto key = crypto::P256Key::from_private(*scalar);
  if (!key) return fail(Errc::kInvalidInput, "VAPID_PRIVATE_KEY: not a P-256 private key (32 bytes, base64url)");
  std::string derived = crypto::base64url_encode(key->public_point());
  if (!public_key_b64.empty()) {
    const auto given = crypto::base64url_decode(public_key_b64);
    if (!given || *given != key->public_point()) {
      return fail(Errc::kInvalidInput, "VAPID_PUBLIC_KEY: does not belong to VAPID_PRIVATE_KEY");
    }
  }
  return VapidIdentity{std::move(*key), std::move(derived), std::move(subject)};
}

Result<VapidKeyPair> generate_vapid_keys() {
  auto key = crypto::P256Key::generate();
  if (!key) return std::unexpected(key.error());
  auto scalar = key->private_scalar();
  if (!scalar) return std::unexpected(scalar.error());
  return VapidKeyPair{crypto::base64url_encode(key->public_point()), crypto::base64url_encode(*scalar)};
}

Result<std::string> encrypt_push_payload(std::string_view plaintext, std::string_view ua_public,
                                         std::string_view auth_secret, const crypto::P256Key& sender,
                                         std::string_view salt) {
  if (salt.size() != 16) return fail(Errc::kInvalidInput, "web push: the salt is 16 bytes");
  if (auth_secret.size() != 16) return fail(Errc::kInvalidInput, "web push: the auth secret is 16 bytes");
  auto ua_key = crypto::P256Key::from_public(ua_public);
  if (!ua_key) return std::unexpected(ua_key.error());
  auto ecdh_secret = sender.ecdh(*ua_key);
  if (!ecdh_secret) return std::unexpected(ecdh_secret.error());
  // RFC 8291 §3.3: IKM from the ECDH secret, keyed by the auth secret and
  // bound to both public keys.
  std::string key_info = with_zero("WebPush: info");
  key_info += ua_public;
  key_info += sender.public_point();
  const std::string ikm = crypto::hkdf_sha256(auth_secret, *ecdh_secret, key_info, 32);
  // RFC 8188 §2.2/§2.3: content key and nonce from the salt.
  const std::string cek = crypto::hkdf_sha256(salt, ikm, with_zero("Content-Encoding: aes128gcm"), 16);
  const std::string nonce = crypto::hkdf_sha256(salt, ikm, with_zero("Content-Encoding: nonce"), 12);
  std::string padded(plaintext);
  padded.push_back('\x02');  // delimiter of the last (only) record, no padding
  if (padded.size() + 16 > kRecordSize) return fail(Errc::kInvalidInput, "web push: payload too large");
  auto sealed = crypto::aes128gcm_seal(cek, nonce, padded);
  if (!sealed) return std::unexpected(sealed.error());

  std::string body(salt);
  for (const int shift : {24, 16, 8, 0}) body.push_back(static_cast<char>((kRecordSize >> shift) & 0xFF));
  body.push_back(static_cast<char>(sender.public_point().size()));
  body += sender.public_point();
  body += *sealed;
  return body;
}

std::string push_audience(std::string_view endpoint) {
  const auto scheme = endpoint.find("://");
  if (scheme == std::string_view::npos) return std::string(endpoint);
  const auto path = endpoint.find('/', scheme + 3);
  return std::string(endpoint.substr(0, path));
}

Result<std::string> vapid_authorization(const VapidIdentity& vapid, std::string_view endpoint, EpochMs now) {
  std::string claims = R"({"aud":)";
  append_json_string(claims, push_audience(endpoint));
  claims += fmt::format(R"(,"exp":{},"sub":)", now / 1000 + kJwtLifetimeSeconds);
  append_json_string(claims, vapid.subject);
  claims.push_back('}');
  std::string token = crypto::base64url_encode(R"({"typ":"JWT","alg":"ES256"})");
  token.push_back('.');
  token += crypto::base64url_encode(claims);
  auto signature = vapid.key.sign_es256(token);
  if (!signature) return std::unexpected(signature.error());
  token.push_back('.');
  token += crypto::base64url_encode(*signature);
  return "vapid t=" + token + ", k=" + vapid.public_key;
}

std::string push_payload_json(const OutboundMessage& message) {
  std::string json = R"({"title":)";
  append_json_string(json, message.title);
  json += R"(,"body":)";
  append_json_string(json, message.body);
  json += R"(,"alert_id":)";
  append_json_string(json, message.alert_id);
  json += fmt::format(R"(,"notification_id":{}}})", message.id.value());
  return json;
}

Attempt WebPushSender::send_one(const PushSubscription& subscription, std::string_view payload) {
  const auto ua_public = crypto::base64url_decode(subscription.p256dh);
  const auto auth = crypto::base64url_decode(subscription.auth);
  if (!ua_public || !auth) return {AttemptResult::kPermanent, "subscription keys are not base64url", {}, {}};
  auto sender = crypto::P256Key::generate();
  auto salt = crypto::random_bytes(16);
  if (!sender || !salt) return {AttemptResult::kTransient, "no key or salt for the message", {}, {}};
  auto body = encrypt_push_payload(payload, *ua_public, *auth, *sender, *salt);
  if (!body) return {AttemptResult::kPermanent, body.error().message, {}, {}};
  const EpochMs now = SystemClock::instance().now_ms();
  auto authorization = vapid_authorization(vapid_, subscription.endpoint, now);
  if (!authorization) return {AttemptResult::kPermanent, authorization.error().message, {}, {}};

  httpclient::Request request;
  request.url = subscription.endpoint;
  request.headers = {{"Content-Type", "application/octet-stream"},
                     {"Content-Encoding", "aes128gcm"},
                     {"TTL", std::to_string(kTtlSeconds)},
                     {"Urgency", "high"},  // a price alert is worth waking the device for
                     {"Authorization", *authorization}};
  request.body = std::move(*body);
  auto response = client_->get(request);
  if (!response) {
    return {response.error().retryable() ? AttemptResult::kTransient : AttemptResult::kPermanent,
            response.error().message, {}, {}};
  }
  if (response->status == 404 || response->status == 410) {
    return {AttemptResult::kPermanent, fmt::format("push subscription {} gone (HTTP {})", subscription.id, response->status),
            {}, {subscription.id}};
  }
  std::optional<std::chrono::milliseconds> retry_after;
  if (auto h = response->header("retry-after")) {
    if (auto ms = httpclient::parse_retry_after(*h, now)) retry_after = std::chrono::milliseconds(*ms);
  }
  return classify_http_status(response->status, retry_after,
                              fmt::format("push service HTTP {}: {}", response->status, response->body.substr(0, 200)));
}

Attempt WebPushSender::send(const OutboundMessage& message) {
  if (message.subscriptions.empty()) return {AttemptResult::kPermanent, "the user has no push subscription", {}, {}};
  const std::string payload = push_payload_json(message);
  Attempt total{AttemptResult::kPermanent, {}, {}, {}};
  bool any_sent = false;
  bool any_transient = false;
  for (const auto& subscription : message.subscriptions) {
    Attempt one = send_one(subscription, payload);
    total.expired_subscriptions.insert(total.expired_subscriptions.end(), one.expired_subscriptions.begin(),
                                       one.expired_subscriptions.end());
    if (one.result == AttemptResult::kSent) {
      any_sent = true;
      continue;
    }
    if (one.result == AttemptResult::kTransient) {
      any_transient = true;
      if (one.retry_after && (!total.retry_after || *one.retry_after > *total.retry_after)) {
        total.retry_after = one.retry_after;
      }
    }
    if (!total.detail.empty()) total.detail += "; ";
    total.detail += one.detail;
  }
  if (any_transient) {
    total.result = AttemptResult::kTransient;
  } else if (any_sent) {
    total.result = AttemptResult::kSent;
  }
  return total;
}

}  // namespace st::notify
