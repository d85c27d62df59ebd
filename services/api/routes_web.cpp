// The dashboard (web/dist, WEB_ROOT) on the API's port: a request that no
// API route took is answered from the web root, and a client-side route
// (/alerts) with index.html. Mounted as middleware so that it only ever
// sees what the router left unmatched; /api, /ws and the probes keep their
// JSON 404. Files are read per request (the build is small, and a rebuild
// is served without a restart).
#include <memory>

#include "context.hpp"
#include "static_files.hpp"
#include "stocktracker/base/log.hpp"

namespace st::api {

void add_web_routes(http::Router& router, Context& ctx) {
  auto site = std::make_shared<const web::WebRoot>(ctx.settings.web_root);
  log::info("serving the dashboard", {{"web_root", ctx.settings.web_root}});
  router.use([site](http::Request& req, const http::Next& next) -> http::Response {
    auto res = next(req);
    // Only what no route matched (a route's own 404, e.g. an unknown
    // company, has req.route set and stays as it is).
    if (res.status != 404 || !req.route.empty()) return res;
    if ((req.method != "GET" && req.method != "HEAD") || web::is_reserved_path(req.path)) return res;
    if (auto file = site->serve(req.path)) return std::move(*file);
    return res;
  });
}

}  // namespace st::api
