#include "stocktracker/httpclient/smtp.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>

namespace st::httpclient {
namespace {

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

struct Upload {
  std::string_view rest;
};

std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, up->rest.size());
  std::memcpy(buffer, up->rest.data(), n);
  up->rest.remove_prefix(n);
  return n;
}

/// Why the session failed, from libcurl's code and the server's last reply:
/// the reply decides when there is one (RFC 5321 §4.2.1: 4yz transient,
/// 5yz permanent), the transport otherwise.
Error session_error(CURLcode code, long reply, const std::string& where, const char* detail) {
  std::string message = where + ": " + curl_easy_strerror(code);
  if (detail[0] != '\0') message += std::string(" (") + detail + ")";
  if (reply >= 400 && reply < 500) return Error{Errc::kUnavailable, std::move(message)};
  if (reply >= 500 && reply < 600) return Error{Errc::kInvalidInput, std::move(message)};
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return Error{Errc::kTimeout, std::move(message)};
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_AGAIN:
      return Error{Errc::kUnavailable, std::move(message)};
    case CURLE_LOGIN_DENIED:
    case CURLE_USE_SSL_FAILED:  // STARTTLS required but not offered
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Error{Errc::kInvalidInput, std::move(message)};
    default:
      return Error{Errc::kInternal, std::move(message)};
  }
}

}  // namespace

Status send_mail(const SmtpServer& server, std::string_view from, std::string_view to, std::string_view message) {
  static std::once_flag global_init;
  std::call_once(global_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  const std::string scheme = server.tls == SmtpTls::kImplicit ? "smtps://" : "smtp://";
  std::string url = scheme;
  url += server.host;
  url += ':';
  url += std::to_string(server.port);
  const std::string where = "SMTP " + url;

  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  if (!easy) return fail(Errc::kInternal, where + ": curl_easy_init failed");
  // Built with += (GCC 12's -Wrestrict misfires on "<" + std::string(...) at -O3).
  std::string mail_from = "<";
  mail_from += from;
  mail_from += '>';
  std::string rcpt = "<";
  rcpt += to;
  rcpt += '>';
  std::unique_ptr<curl_slist, SlistDeleter> recipients(curl_slist_append(nullptr, rcpt.c_str()));
  if (!recipients) return fail(Errc::kInternal, where + ": out of memory");
  Upload upload{message};
  char detail[CURL_ERROR_SIZE] = {};

  CURL* e = easy.get();
  bool ok = curl_easy_setopt(e, CURLOPT_URL, url.c_str()) == CURLE_OK;
  ok = ok && curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps") == CURLE_OK;
  ok = ok && curl_easy_setopt(e, CURLOPT_MAIL_FROM, mail_from.c_str()) == CURLE_OK;
  ok = ok && curl_easy_setopt(e, CURLOPT_MAIL_RCPT, recipients.get()) == CURLE_OK;
  ok = ok && curl_easy_setopt(e, CURLOPT_UPLOAD, 1L) == CURLE_OK;
  ok = ok && curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read) == CURLE_OK;
  ok = ok && curl_easy_setopt(e, CURLOPT_READDATA, &upload) == CURLE_OK;
  ok = ok && curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size())) == CURLE_OK;
  ok = ok && curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
  ok = ok && curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(server.connect_timeout.count())) ==
                 CURLE_OK;
  ok = ok && curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(server.timeout.count())) == CURLE_OK;
  ok = ok && curl_easy_setopt(e, CURLOPT_ERRORBUFFER, detail) == CURLE_OK;
  if (server.tls == SmtpTls::kStartTls) {
    // CURLUSESSL_ALL: fail rather than send the password or the message in clear.
    ok = ok && curl_easy_setopt(e, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL)) == CURLE_OK;
  }
  if (!server.user.empty()) {
    ok = ok && curl_easy_setopt(e, CURLOPT_USERNAME, server.user.c_str()) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_PASSWORD, server.password.c_str()) == CURLE_OK;
  }
  if (!ok) return fail(Errc::kInternal, where + ": could not set up the session");

  const CURLcode code = curl_easy_perform(e);
  if (code == CURLE_OK) return {};
  long reply = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &reply);
  return std::unexpected(session_error(code, reply, where, detail));
}

}  // namespace st::httpclient
