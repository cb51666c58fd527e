#pragma once
// A small blocking HTTP/1.1 client over POSIX sockets, for tests: it lets a test send exactly
// the bytes it wants (malformed, trickled, oversized) and see what the server does.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

struct ssl_ctx_st;
struct ssl_st;

namespace sh::test {

struct HttpResult {
    int status = 0;
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;
    std::string header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? std::string{} : it->second;
    }
};

// How to reach the server: from another loopback source address (127.0.0.x: a client on
// another machine, as the server sees it), and over HTTPS when ca_file is set: that CA is the
// only one trusted, `host` is asked for (SNI) and checked.
struct ClientOptions {
    std::string source;
    std::string ca_file;
    std::string host = "localhost";
};

class Connection {
  public:
    // Connects to 127.0.0.1:port; throws std::runtime_error if it cannot.
    explicit Connection(std::uint16_t port);
    // The same with options (a TLS handshake included); throws if it or the check fails.
    Connection(std::uint16_t port, const ClientOptions& options);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Sends raw bytes; false if the peer is gone.
    bool send(const std::string& bytes);
    // Reads one response; nullopt on timeout or when the connection closed first.
    std::optional<HttpResult> read_response(
        std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // True when the server closes the connection within the timeout.
    bool wait_closed(std::chrono::milliseconds timeout);
    // This end's port (the server sees the connection coming from it).
    std::uint16_t local_port() const;

  private:
    bool fill(std::chrono::steady_clock::time_point deadline);
    void close_all() noexcept;
    int fd_ = -1;
    ssl_ctx_st* ctx_ = nullptr;
    ssl_st* ssl_ = nullptr;
    std::string buffer_;
};

std::string make_request(const std::string& method, const std::string& target,
                         const std::string& body = "", const std::string& extra_headers = "");

// One request on a fresh connection.
std::optional<HttpResult> request(std::uint16_t port, const std::string& method,
                                  const std::string& target, const std::string& body = "",
                                  const std::string& extra_headers = "");

// One request on a fresh connection made with `options`.
std::optional<HttpResult> request(std::uint16_t port, const ClientOptions& options,
                                  const std::string& method, const std::string& target,
                                  const std::string& body = "",
                                  const std::string& extra_headers = "");

// True if a TCP connection to 127.0.0.1:port is accepted.
bool can_connect(std::uint16_t port);

// True when the server listening on server_port has read every byte the client at client_port
// sent it: the kernel holds none unread for that connection (/proc/net/tcp's rx_queue is 0).
bool server_read_all(std::uint16_t server_port, std::uint16_t client_port);

}  // namespace sh::test
