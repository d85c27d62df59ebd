#pragma once
// Precompiled: Beast and Asio are the slowest headers of the build.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
