#pragma once
// Yahoo Finance's chart API (v8, unofficial and undocumented by Yahoo; the
// shape read here is the one its public clients rely on): requests and the
// reading of its answers into ticks. Pure: the caller does the HTTP.
//
// GET /v8/finance/chart/{symbol}?interval=1m&range=1d answers
// {"chart":{"result":[{"meta":{currency, symbol, gmtoffset,
// regularMarketTime, dataGranularity, ...}, "timestamp":[UTC seconds...],
// "indicators":{"quote":[{"open":[...],"high":[...],"low":[...],
// "close":[...],"volume":[...]}]}}],"error":null}}, or "result":null with
// "error":{"code":"Not Found","description":"..."} (HTTP 404), and plain
// HTTP 429 "Too Many Requests" when it throttles.
//
// Intraday bars become ticks at the bar's start (UTC already), price = close,
// volume = the bar's; a minute without trades (nulls) is skipped, and the bar
// still forming (ending after meta.regularMarketTime) is left for the next
// poll so a bar is published once, complete. Daily and longer bars get the
// event time of their session's 16:00 New York close, on the exchange-local
// day given by meta.gmtoffset (Yahoo stamps them with the session's open).
// Prices quoted in minor units (GBp, ZAc, ILA) are turned into the major
// currency.
#include <string_view>

#include "provider.hpp"

namespace st::ingest::providers::yahoo {

/// Yahoo writes share classes with '-' (BRK-B) where we write '.' (BRK.B).
std::string yahoo_symbol(std::string_view symbol);

/// `interval`: 1m 2m 5m 15m 30m 60m 90m 1h 1d 5d 1wk 1mo 3mo;
/// `range`: 1d 5d 1mo 3mo 6mo 1y 2y 5y 10y ytd max.
httpclient::Request chart_request(std::string_view base_url, std::string_view symbol, std::string_view interval,
                                  std::string_view range);
/// The request a quote poll makes: today's 1-minute bars.
httpclient::Request quote_request(std::string_view base_url, std::string_view symbol);

/// One tick per bar, oldest first. With no bar yet (before the first trade
/// of the day) the meta's regularMarketPrice at regularMarketTime, volume 0.
FetchResult read_chart(const httpclient::Response& response, std::string_view symbol, EpochMs now);

}  // namespace st::ingest::providers::yahoo
