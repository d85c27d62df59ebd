#include "web_push.hpp"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <boost/json.hpp>

namespace st::notify {
namespace {

// RFC 8291 Appendix A.
constexpr std::string_view kPlaintext = "When I grow up, I want to be a watermelon";
constexpr std::string_view kAsPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
constexpr std::string_view kAsPublic =
    "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
constexpr std::string_view kUaPublic =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
constexpr std::string_view kSalt = "DGv6ra1nlYgDCS1FRnbzlw";
constexpr std::string_view kAuthSecret = "BTBZMqHH6r4Tts7J_aSIgg";
constexpr std::string_view kBody =
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_"
    "yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

std::string b64(std::string_view text) {
  auto bytes = crypto::base64url_decode(text);
  EXPECT_TRUE(bytes) << text;
  return bytes.value_or("");
}

TEST(WebPush, TheSenderKeyOfTheRfcVectorDerivesItsPublicKey) {
  auto key = crypto::P256Key::from_private(b64(kAsPrivate));
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(crypto::base64url_encode(key->public_point()), kAsPublic);
  EXPECT_EQ(key->private_scalar(), b64(kAsPrivate));
}

TEST(WebPush, EncryptionReproducesRfc8291AppendixA) {
  auto sender = crypto::P256Key::from_private(b64(kAsPrivate));
  ASSERT_TRUE(sender);
  auto body = encrypt_push_payload(kPlaintext, b64(kUaPublic), b64(kAuthSecret), *sender, b64(kSalt));
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_EQ(crypto::base64url_encode(*body), kBody);
}

TEST(WebPush, EncryptionRefusesKeysThatAreNotOnTheCurve) {
  auto sender = crypto::P256Key::from_private(b64(kAsPrivate));
  ASSERT_TRUE(sender);
  std::string bad_point = b64(kUaPublic);
  bad_point[40] = static_cast<char>(bad_point[40] ^ 1);
  EXPECT_FALSE(encrypt_push_payload(kPlaintext, bad_point, b64(kAuthSecret), *sender, b64(kSalt)));
  EXPECT_FALSE(encrypt_push_payload(kPlaintext, b64(kUaPublic), "short", *sender, b64(kSalt)));
}

TEST(WebPush, AudienceIsTheEndpointsOrigin) {
  EXPECT_EQ(push_audience("https://fcm.googleapis.com/fcm/send/abc"), "https://fcm.googleapis.com");
  EXPECT_EQ(push_audience("http://127.0.0.1:8123/push/1"), "http://127.0.0.1:8123");
}

/// Verifies an ES256 JWS signature (r || s) with OpenSSL, independently of
/// the code under test.
bool verify_es256(std::string_view point, std::string_view signing_input, std::string_view raw_sig) {
  auto key = crypto::P256Key::from_public(point);
  if (!key || raw_sig.size() != 64) return false;
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(bld, "group", "prime256v1", 0);
  OSSL_PARAM_BLD_push_octet_string(bld, "pub", point.data(), point.size());
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  // from_public keeps its handle private: build the verifying key anew.
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  EVP_PKEY* pkey = nullptr;
  EVP_PKEY_fromdata_init(ctx);
  EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params);
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_bin2bn(reinterpret_cast<const unsigned char*>(raw_sig.data()), 32, nullptr),
                 BN_bin2bn(reinterpret_cast<const unsigned char*>(raw_sig.data()) + 32, 32, nullptr));
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(sig, &der);
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  const bool ok = EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, pkey) == 1 &&
                  EVP_DigestVerify(md, der, static_cast<std::size_t>(der_len),
                                   reinterpret_cast<const unsigned char*>(signing_input.data()),
                                   signing_input.size()) == 1;
  EVP_MD_CTX_free(md);
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  EVP_PKEY_free(pkey);
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  return ok;
}

TEST(Vapid, AuthorizationIsASignedEs256JwtForThePushServicesOrigin) {
  auto fresh = crypto::P256Key::generate();
  ASSERT_TRUE(fresh);
  auto identity = vapid_identity(crypto::base64url_encode(*fresh->private_scalar()), "", "mailto:ops@example.com");
  ASSERT_TRUE(identity) << identity.error().message;
  EXPECT_EQ(identity->public_key, crypto::base64url_encode(fresh->public_point()));
  auto header = vapid_authorization(*identity, "http://127.0.0.1:8123/push/abc", 1'700'000'000'000);
  ASSERT_TRUE(header);
  ASSERT_TRUE(header->starts_with("vapid t="));
  const auto comma = header->find(", k=");
  ASSERT_NE(comma, std::string::npos);
  EXPECT_EQ(header->substr(comma + 4), identity->public_key);
  const std::string jwt = header->substr(8, comma - 8);
  const auto dot1 = jwt.find('.');
  const auto dot2 = jwt.rfind('.');
  ASSERT_NE(dot1, dot2);
  const auto head = boost::json::parse(b64(jwt.substr(0, dot1))).as_object();
  EXPECT_EQ(head.at("alg").as_string(), "ES256");
  const auto claims = boost::json::parse(b64(jwt.substr(dot1 + 1, dot2 - dot1 - 1))).as_object();
  EXPECT_EQ(claims.at("aud").as_string(), "http://127.0.0.1:8123");
  EXPECT_EQ(claims.at("sub").as_string(), "mailto:ops@example.com");
  EXPECT_EQ(claims.at("exp").as_int64(), 1'700'000'000 + 12 * 3600);
  const std::string signature = b64(jwt.substr(dot2 + 1));
  EXPECT_TRUE(verify_es256(fresh->public_point(), jwt.substr(0, dot2), signature));
  std::string tampered = jwt.substr(0, dot2);
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_es256(fresh->public_point(), tampered, signature));
}

TEST(Vapid, GeneratedPairsAreFreshAndBelongTogether) {
  auto a = generate_vapid_keys();
  auto b = generate_vapid_keys();
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->private_key, b->private_key);
  EXPECT_EQ(a->public_key.size(), 87u);
  EXPECT_TRUE(vapid_identity(a->private_key, a->public_key, "mailto:a@b"));
  EXPECT_FALSE(vapid_identity(a->private_key, b->public_key, "mailto:a@b"));
}

TEST(Vapid, MalformedOrMismatchedKeysNameTheSetting) {
  auto bad = vapid_identity("not*base64", "", "mailto:a@b");
  ASSERT_FALSE(bad);
  EXPECT_TRUE(bad.error().message.starts_with("VAPID_PRIVATE_KEY")) << bad.error().message;
  auto mismatched = vapid_identity(kAsPrivate, kUaPublic, "mailto:a@b");
  ASSERT_FALSE(mismatched);
  EXPECT_TRUE(mismatched.error().message.starts_with("VAPID_PUBLIC_KEY")) << mismatched.error().message;
  EXPECT_TRUE(vapid_identity(kAsPrivate, kAsPublic, "mailto:a@b"));
}

TEST(WebPush, PayloadIsJsonForTheServiceWorker) {
  OutboundMessage m;
  m.id = model::NotificationId(42);
  m.alert_id = "a-1";
  m.title = "AAPL \"up\"";
  m.body = "line1\nline2";
  const auto v = boost::json::parse(push_payload_json(m)).as_object();
  EXPECT_EQ(v.at("title").as_string(), "AAPL \"up\"");
  EXPECT_EQ(v.at("body").as_string(), "line1\nline2");
  EXPECT_EQ(v.at("notification_id").as_int64(), 42);
}

}  // namespace
}  // namespace st::notify
