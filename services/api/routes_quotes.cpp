// GET /api/quotes?symbols=AAPL,MSFT: the latest price of each symbol, from
// memory (QuoteBook), no database round trip.
#include "context.hpp"
#include "quote_book.hpp"
#include "stocktracker/base/json_escape.hpp"
#include "stocktracker/model/symbol.hpp"

namespace st::api {
namespace {

constexpr std::size_t kMaxSymbols = 100;

}  // namespace

void add_quote_routes(http::Router& router, Context& ctx) {
  router.add("GET", "/api/quotes", [&ctx](const http::Request& req) {
    const auto list = req.query_param("symbols");
    if (!list || list->empty()) {
      return http::problem(400, "Missing query parameter", "symbols is required, e.g. symbols=AAPL,MSFT", "symbols");
    }
    std::vector<std::string_view> symbols;  // views into the request's target
    std::string_view rest = *list;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string_view s = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      if (!model::valid_symbol(s)) {
        return http::problem(400, "Invalid query parameter",
                             "symbols must be symbols like AAPL separated by commas (got \"" +
                                 std::string(s.substr(0, 16)) + "\")",
                             "symbols");
      }
      symbols.emplace_back(s);
    }
    if (symbols.size() > kMaxSymbols) {
      return http::problem(400, "Invalid query parameter", "at most 100 symbols per request", "symbols");
    }
    std::string body;
    body.reserve(64 + symbols.size() * 128);
    body += "{\"quotes\":[";
    std::vector<std::string_view> missing;
    ctx.quotes.append_json(symbols, body, missing);
    body += "],\"missing\":[";
    for (std::size_t i = 0; i < missing.size(); ++i) {
      if (i > 0) body.push_back(',');
      append_json_string(body, missing[i]);
    }
    body += "]}";
    return http::json(200, std::move(body));
  });
}

}  // namespace st::api
