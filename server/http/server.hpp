#pragma once
// The HTTP/1.1 server: listener and keep-alive sessions, Beast confined to server.cpp.
#include <chrono>
#include <cstdint>
#include <memory>

#include "common/asio.hpp"
#include "config/app_config.hpp"
#include "server/http/access_log.hpp"
#include "server/http/metrics.hpp"
#include "server/http/router.hpp"

namespace boost::asio {
class io_context;
}

namespace sh::http {

class Server {
  public:
    Server(asio::io_context& ioc, const config::HttpConfig& cfg, const Router& router,
           AccessLog& log, Metrics& metrics);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and starts accepting; throws std::system_error when the address cannot be bound.
    void start();
    // The bound port (useful when configured with port 0).
    std::uint16_t port() const;

    // Graceful stop: no new connections; idle keep-alive connections are closed; requests in
    // flight are answered (with Connection: close) within `grace`, after which what is left is
    // cut. Completes when every connection is closed.
    awaitable<void> drain(std::chrono::milliseconds grace);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace sh::http
