#pragma once
// The dashboard's files (web/dist, WEB_ROOT): which file a URL path names,
// with what content type and cache policy (pure functions), and WebRoot,
// which reads them from disk. Tested in static_files_test.cpp; the
// middleware that mounts them on the API is routes_web.cpp.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "stocktracker/http/http.hpp"

namespace st::api::web {

/// The file a request path names, relative to the web root ("index.html",
/// "assets/index-3f9a.js"), or nullopt when the path must not be served
/// from disk at all: "..", "." or any other segment starting with a dot
/// (dotfiles), a backslash, a NUL or another control character, or a path
/// over 1024 bytes. The path is the server's already percent-decoded one,
/// so "%2e%2e" arrives here as "..". "/" names "index.html".
std::optional<std::string> safe_relative_path(std::string_view path);

/// Paths that belong to the API, never to the dashboard: /api/..., /ws,
/// /healthz, /readyz, /metrics. An unknown one stays a JSON 404.
bool is_reserved_path(std::string_view path);

/// Whether a missing file is answered with index.html so that the
/// single-page app can route it (/alerts, /notifications): yes for a path
/// whose last segment has no extension; a missing /assets/x.js stays 404.
bool is_app_route(std::string_view relative_path);

/// By extension; application/octet-stream when unknown.
std::string_view content_type_of(std::string_view relative_path);

/// Vite's hashed files under assets/ never change under the same name:
/// cached for a year, immutable. Everything else (index.html) is
/// revalidated on every load, so a new build is picked up at once.
std::string_view cache_control_of(std::string_view relative_path);

/// The files under one directory, resolved once at construction. Serves a
/// regular file below the root only (a symbolic link that leads out of it
/// is not followed), index.html for an app route, and nothing else. Reads
/// per request: stateless and thread-safe.
class WebRoot {
 public:
  explicit WebRoot(const std::string& root);
  /// The answer for a GET of `path`, or nullopt: no such file, or a path
  /// that must not be served. An app route with no index.html at all (the
  /// dashboard not built) is a 404 problem that says how to build it.
  [[nodiscard]] std::optional<http::Response> serve(std::string_view path) const;

 private:
  [[nodiscard]] std::optional<http::Response> read(const std::string& relative) const;
  [[nodiscard]] bool is_below_root(const std::filesystem::path& file) const;
  std::filesystem::path root_;
};

}  // namespace st::api::web
