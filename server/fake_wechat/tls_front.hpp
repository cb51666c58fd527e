#pragma once
// HTTPS for the fake WeChat: terminates TLS with a given certificate and passes the bytes to the
// fake's plain listener on loopback. Lets the real wechat::Client be tested over TLS (SNI, chain,
// host name) against certificates the test chose: good, for another host, from an unknown CA,
// expired. A test tool only; production TLS is nginx's.
#include <cstdint>
#include <memory>
#include <string>

#include "common/asio.hpp"

namespace boost::asio {
class io_context;
}

namespace sh::fake_wechat {

class TlsFront {
  public:
    // cert_file: PEM chain; key_file: its private key. Throws std::system_error if unreadable.
    TlsFront(asio::io_context& ioc, const std::string& cert_file, const std::string& key_file,
             std::uint16_t backend_port);
    ~TlsFront();
    // Binds 127.0.0.1:port (0: any) and starts accepting; returns the bound port.
    std::uint16_t start(std::uint16_t port = 0);
    void stop();
    // The server name (SNI) the last handshake asked for; empty if none.
    std::string last_server_name() const;

  private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace sh::fake_wechat
