#include <algorithm>

#include "stocktracker/base/json_escape.hpp"
#include "stocktracker/http/http.hpp"

namespace st::http {
namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    const std::size_t j = path.find('/', i);
    const std::size_t end = j == std::string_view::npos ? path.size() : j;
    if (end > i) out.emplace_back(path.substr(i, end - i));
    i = end;
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return std::tolower(static_cast<unsigned char>(x)) ==
                                                std::tolower(static_cast<unsigned char>(y)); });
}

}  // namespace

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::query_param(std::string_view name) const {
  if (auto it = query.find(name); it != query.end()) return it->second;
  return std::nullopt;
}

Response problem(int status, std::string_view title, std::string_view detail, std::string_view field) {
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = "{\"type\":\"about:blank\",\"status\":" + std::to_string(status) + ",\"title\":";
  append_json_string(r.body, title);
  r.body += ",\"detail\":";
  append_json_string(r.body, detail);
  if (!field.empty()) {
    r.body += ",\"field\":";
    append_json_string(r.body, field);
  }
  r.body += "}";
  return r;
}

Response json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

void Router::add(std::string method, std::string pattern, Handler handler) {
  auto segments = split_path(pattern);
  routes_.push_back({std::move(method), std::move(pattern), std::move(segments), std::move(handler)});
}

void Router::use(Middleware middleware) { middleware_.push_back(std::move(middleware)); }

std::vector<Router::RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const auto& r : routes_) out.push_back({r.method, r.pattern});
  return out;
}

Response Router::dispatch(Request& request) const {
  // next(i) runs middleware i, whose `next` is next(i + 1); past the last
  // one it is the routing itself.
  std::function<Response(std::size_t, Request&)> run = [&](std::size_t i, Request& req) -> Response {
    if (i == middleware_.size()) return match_route(req);
    return middleware_[i](req, [&run, i](Request& r) { return run(i + 1, r); });
  };
  return run(0, request);
}

Response Router::match_route(Request& request) const {
  const auto segments = split_path(request.path);
  bool path_matched = false;
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::map<std::string, std::string, std::less<>> params;
    bool ok = true;
    for (std::size_t i = 0; i < segments.size() && ok; ++i) {
      if (!route.segments[i].empty() && route.segments[i][0] == ':') {
        params[route.segments[i].substr(1)] = segments[i];
      } else {
        ok = route.segments[i] == segments[i];
      }
    }
    if (!ok) continue;
    path_matched = true;
    if (route.method != request.method && !(request.method == "HEAD" && route.method == "GET")) continue;
    request.params = std::move(params);
    request.route = route.pattern;
    return route.handler(request);
  }
  if (path_matched) return problem(405, "Method Not Allowed", "this path does not accept " + request.method);
  return problem(404, "Not Found", "no resource at " + request.path);
}

std::optional<std::string> url_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      auto hex = [](char h) -> int {
        if (h >= '0' && h <= '9') return h - '0';
        if (h >= 'a' && h <= 'f') return h - 'a' + 10;
        if (h >= 'A' && h <= 'F') return h - 'A' + 10;
        return -1;
      };
      const int hi = hex(s[i + 1]);
      const int lo = hex(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace st::http
