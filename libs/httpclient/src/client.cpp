#include "stocktracker/httpclient/client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <deque>
#include <mutex>

namespace st::httpclient {
namespace {

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct MultiDeleter {
  void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

/// One GET on its way: the easy handle and everything its callbacks write to.
struct Transfer {
  std::size_t index = 0;
  const char* method = "GET";
  std::string url;  // without the query: safe to name in errors
  std::size_t max_body = 0;
  bool body_too_large = false;
  Response response;
  char error[CURL_ERROR_SIZE] = {};
  // Declared after the header list, so the easy handle is cleaned up first.
  std::unique_ptr<curl_slist, SlistDeleter> header_list;
  std::unique_ptr<CURL, EasyDeleter> easy;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (t->response.body.size() + n > t->max_body) {
    t->body_too_large = true;
    return 0;  // makes libcurl fail the transfer with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  std::string_view line(data, n);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  // Each response (a redirect, a 100 Continue, the final one) starts with a
  // status line: keep only the headers of the last.
  if (line.starts_with("HTTP/")) {
    t->response.headers.clear();
    return n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  t->response.headers.emplace_back(std::move(name), std::string(value));
  return n;
}

Error transfer_error(CURLcode code, const Transfer& t) {
  if (t.body_too_large) {
    return Error{Errc::kInvalidInput,
                 std::string(t.method) + " " + t.url + ": response body larger than " + std::to_string(t.max_body) + " bytes"};
  }
  std::string message = std::string(t.method) + " " + t.url + ": " + curl_easy_strerror(code);
  if (t.error[0] != '\0') message += std::string(" (") + t.error + ")";
  // libcurl has ~100 codes; the ones a caller can act on are named, and the
  // rest (out of memory, library misuse, ...) are internal.
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return Error{Errc::kTimeout, std::move(message)};
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_AGAIN:
      return Error{Errc::kUnavailable, std::move(message)};
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_TOO_MANY_REDIRECTS:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_BAD_CONTENT_ENCODING:
      return Error{Errc::kInvalidInput, std::move(message)};
    default:
      return Error{Errc::kInternal, std::move(message)};
  }
}

}  // namespace

struct Client::Impl {
  ClientOptions options;
  std::unique_ptr<CURLM, MultiDeleter> multi;
  std::uint64_t connections = 0;

  /// Sets up the easy handle of `t`; false (with t.error set) on failure.
  bool prepare(Transfer& t, const Request& r) {
    t.easy.reset(curl_easy_init());
    if (!t.easy) return false;
    CURL* e = t.easy.get();
    const std::string full_url = url_with_query(r.url, r.query);
    for (const auto& [name, value] : r.headers) {
      // curl_slist_append returns the head of the list (a new one when the
      // list was empty), or null with the list left as it was.
      curl_slist* head = curl_slist_append(t.header_list.get(), (name + ": " + value).c_str());
      if (head == nullptr) return false;
      if (head != t.header_list.get()) t.header_list.reset(head);
    }
    bool ok = curl_easy_setopt(e, CURLOPT_URL, full_url.c_str()) == CURLE_OK;
    if (r.body) {
      ok = ok && curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body->size())) == CURLE_OK;
      ok = ok && curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body->data()) == CURLE_OK;  // not copied: r outlives t
      // A POST is not repeated on a redirect (libcurl would turn it into a GET).
      ok = ok && curl_easy_setopt(e, CURLOPT_POSTREDIR, 0L) == CURLE_OK;
    } else {
      ok = ok && curl_easy_setopt(e, CURLOPT_HTTPGET, 1L) == CURLE_OK;
    }
    if (!r.basic_auth.empty()) {
      ok = ok && curl_easy_setopt(e, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC)) == CURLE_OK;
      ok = ok && curl_easy_setopt(e, CURLOPT_USERPWD, r.basic_auth.c_str()) == CURLE_OK;
    }
    ok = ok && curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_MAXREDIRS, 3L) == CURLE_OK;
    // Signals are not thread-safe; timeouts work without them (threaded resolver).
    ok = ok && curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(r.connect_timeout.count())) ==
                   CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout.count())) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_USERAGENT, options.user_agent.c_str()) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "") == CURLE_OK;  // every encoding libcurl decodes
    ok = ok && curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.header_list.get()) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_WRITEDATA, &t) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_HEADERDATA, &t) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_PRIVATE, &t) == CURLE_OK;
    return ok;
  }

  Result<Response> finish(Transfer& t, CURLcode code) {
    long connects = 0;
    if (curl_easy_getinfo(t.easy.get(), CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK && connects > 0) {
      connections += static_cast<std::uint64_t>(connects);
    }
    if (code != CURLE_OK) return std::unexpected(transfer_error(code, t));
    long status = 0;
    curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &status);
    t.response.status = static_cast<int>(status);
    return std::move(t.response);
  }
};

Result<std::unique_ptr<Client>> Client::create(ClientOptions options) {
  static std::once_flag global_init;
  static CURLcode global_rc = CURLE_OK;
  std::call_once(global_init, [] { global_rc = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (global_rc != CURLE_OK) return fail(Errc::kInternal, std::string("curl_global_init: ") + curl_easy_strerror(global_rc));
  if (options.max_in_flight == 0) return fail(Errc::kInvalidInput, "http client: max_in_flight must be at least 1");

  std::unique_ptr<Client> client(new Client());
  client->impl_ = std::make_unique<Impl>();
  client->impl_->options = std::move(options);
  client->impl_->multi.reset(curl_multi_init());
  if (!client->impl_->multi) return fail(Errc::kInternal, "curl_multi_init failed");
  // The connection cache: idle connections kept for reuse by later calls.
  curl_multi_setopt(client->impl_->multi.get(), CURLMOPT_MAXCONNECTS,
                    static_cast<long>(client->impl_->options.max_in_flight * 2));
  return client;
}

Client::~Client() = default;

std::uint64_t Client::connections_opened() const { return impl_->connections; }

Result<Response> Client::get(const Request& request) {
  auto all = get_all({request});
  return std::move(all.front());
}

std::vector<Result<Response>> Client::get_all(const std::vector<Request>& requests, std::stop_token stop) {
  std::vector<Result<Response>> results(requests.size(), std::unexpected(Error{Errc::kInternal, "not run"}));
  CURLM* multi = impl_->multi.get();
  std::deque<std::size_t> waiting;
  for (std::size_t i = 0; i < requests.size(); ++i) waiting.push_back(i);
  std::vector<std::unique_ptr<Transfer>> active;

  // Every easy handle leaves the multi handle before it is destroyed, even
  // when this function is left early.
  struct Detach {
    CURLM* multi;
    std::vector<std::unique_ptr<Transfer>>& active;
    ~Detach() {
      for (auto& t : active) curl_multi_remove_handle(multi, t->easy.get());
    }
  } detach{multi, active};

  while (!waiting.empty() || !active.empty()) {
    if (stop.stop_requested()) {
      for (const std::size_t i : waiting) results[i] = fail(Errc::kUnavailable, "GET " + requests[i].url + ": stopped");
      for (const auto& t : active) results[t->index] = fail(Errc::kUnavailable, "GET " + t->url + ": stopped");
      break;  // `detach` removes the active transfers from the multi handle
    }
    while (!waiting.empty() && active.size() < impl_->options.max_in_flight) {
      const std::size_t i = waiting.front();
      waiting.pop_front();
      auto t = std::make_unique<Transfer>();
      t->index = i;
      t->url = requests[i].url;
      if (requests[i].body) t->method = "POST";
      t->max_body = impl_->options.max_body_bytes;
      if (!impl_->prepare(*t, requests[i])) {
        results[i] = fail(Errc::kInternal, std::string(t->method) + " " + t->url + ": could not set up the transfer");
        continue;
      }
      if (curl_multi_add_handle(multi, t->easy.get()) != CURLM_OK) {
        results[i] = fail(Errc::kInternal, std::string(t->method) + " " + t->url + ": could not start the transfer");
        continue;
      }
      active.push_back(std::move(t));
    }

    int running = 0;
    if (const CURLMcode mc = curl_multi_perform(multi, &running); mc != CURLM_OK) {
      for (auto& t : active) {
        results[t->index] = fail(Errc::kInternal, "GET " + t->url + ": " + curl_multi_strerror(mc));
        curl_multi_remove_handle(multi, t->easy.get());
      }
      active.clear();
      continue;
    }
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Transfer* done = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &done);
      const CURLcode code = msg->data.result;  // read before the handle is removed
      curl_multi_remove_handle(multi, msg->easy_handle);
      results[done->index] = impl_->finish(*done, code);
      std::erase_if(active, [done](const auto& t) { return t.get() == done; });
    }
    if (!active.empty()) curl_multi_poll(multi, nullptr, 0, 100, nullptr);
  }
  return results;
}

}  // namespace st::httpclient
