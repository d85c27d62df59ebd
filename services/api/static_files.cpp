#include "static_files.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <utility>

namespace st::api::web {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxPathBytes = 1024;
constexpr std::uintmax_t kMaxFileBytes = 32u << 20;

// What the dashboard needs and nothing more: its own scripts and styles,
// the API and WebSocket on the same origin, data: images (the favicon).
constexpr std::string_view kHtmlSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

std::string_view extension_of(std::string_view relative_path) {
  const auto slash = relative_path.rfind('/');
  const auto name = slash == std::string_view::npos ? relative_path : relative_path.substr(slash + 1);
  const auto dot = name.rfind('.');
  return dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
}

}  // namespace

std::optional<std::string> safe_relative_path(std::string_view path) {
  if (path.empty() || path.front() != '/' || path.size() > kMaxPathBytes) return std::nullopt;
  std::string out;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    const auto end = std::min(path.find('/', i), path.size());
    const auto segment = path.substr(i, end - i);
    i = end;
    if (segment.empty()) continue;
    // A leading dot covers ".", ".." and dotfiles (.env, .git) alike.
    if (segment.front() == '.') return std::nullopt;
    for (const char c : segment) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7f || c == '\\' || c == ':') return std::nullopt;
    }
    if (!out.empty()) out.push_back('/');
    out += segment;
  }
  if (out.empty()) return std::string("index.html");
  return out;
}

bool is_reserved_path(std::string_view path) {
  constexpr std::array<std::string_view, 5> kPrefixes = {"/api", "/ws", "/healthz", "/readyz", "/metrics"};
  for (const auto prefix : kPrefixes) {
    if (path.starts_with(prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/')) return true;
  }
  return false;
}

bool is_app_route(std::string_view relative_path) { return extension_of(relative_path).empty(); }

std::string_view content_type_of(std::string_view relative_path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 19> kTypes = {{
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"webmanifest", "application/manifest+json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"ico", "image/x-icon"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"ttf", "font/ttf"},
      {"txt", "text/plain; charset=utf-8"},
      {"wasm", "application/wasm"},
  }};
  const auto ext = extension_of(relative_path);
  for (const auto& [e, type] : kTypes) {
    if (e.size() == ext.size() && std::equal(e.begin(), e.end(), ext.begin(), [](char a, char b) {
          return a == std::tolower(static_cast<unsigned char>(b));
        })) {
      return type;
    }
  }
  return "application/octet-stream";
}

std::string_view cache_control_of(std::string_view relative_path) {
  if (relative_path.starts_with("assets/")) return "public, max-age=31536000, immutable";
  return "no-cache";
}

WebRoot::WebRoot(const std::string& root) {
  std::error_code ec;
  root_ = fs::weakly_canonical(fs::path(root), ec);
  if (ec) root_ = fs::path(root).lexically_normal();
  if (!root_.has_filename()) root_ = root_.parent_path();  // "web/dist/": no empty last component
}

std::optional<http::Response> WebRoot::serve(std::string_view path) const {
  const auto relative = safe_relative_path(path);
  if (!relative) return std::nullopt;
  if (auto file = read(*relative)) return file;
  if (!is_app_route(*relative) && *relative != "index.html") return std::nullopt;
  if (auto index = read("index.html")) return index;
  return http::problem(404, "Not Found",
                       "the dashboard is not built (no index.html under WEB_ROOT=" + root_.string() +
                           "); `make run` builds it, or: cd web && npm ci && npm run build");
}

std::optional<http::Response> WebRoot::read(const std::string& relative) const {
  std::error_code ec;
  // Canonical, so that a symbolic link cannot lead out of the root.
  const fs::path file = fs::weakly_canonical(root_ / relative, ec);
  if (ec || !is_below_root(file) || !fs::is_regular_file(file, ec) || ec) return std::nullopt;
  const auto size = fs::file_size(file, ec);
  if (ec || size > kMaxFileBytes) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  http::Response res;
  res.body.resize(static_cast<std::size_t>(size));
  in.read(res.body.data(), static_cast<std::streamsize>(size));
  if (!in) return std::nullopt;
  res.content_type = std::string(content_type_of(relative));
  res.headers.emplace_back("Cache-Control", std::string(cache_control_of(relative)));
  if (res.content_type.starts_with("text/html")) {
    res.headers.emplace_back("Content-Security-Policy", std::string(kHtmlSecurityPolicy));
    res.headers.emplace_back("Referrer-Policy", "same-origin");
  }
  return res;
}

bool WebRoot::is_below_root(const fs::path& file) const {
  auto r = root_.begin();
  auto f = file.begin();
  for (; r != root_.end(); ++r, ++f) {
    if (f == file.end() || *r != *f) return false;
  }
  return f != file.end();
}

}  // namespace st::api::web
