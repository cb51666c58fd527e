#include "tests/support/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <openssl/ssl.h>

namespace sh::test {

namespace {
int open_socket(std::uint16_t port, const std::string& source = "") {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    if (!source.empty()) {  // another loopback address: another "machine" as the server sees it
        sockaddr_in from{};
        from.sin_family = AF_INET;
        if (::inet_pton(AF_INET, source.c_str(), &from.sin_addr) != 1 ||
            ::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0) {
            ::close(fd);
            return -1;
        }
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}
}  // namespace

Connection::Connection(std::uint16_t port) : fd_(open_socket(port)) {
    if (fd_ < 0) throw std::runtime_error("cannot connect to port " + std::to_string(port));
}

Connection::Connection(std::uint16_t port, const ClientOptions& options)
    : fd_(open_socket(port, options.source)) {
    if (fd_ < 0) throw std::runtime_error("cannot connect to port " + std::to_string(port));
    if (options.ca_file.empty()) return;
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (!ctx_ || SSL_CTX_load_verify_locations(ctx_, options.ca_file.c_str(), nullptr) != 1) {
        close_all();
        throw std::runtime_error("cannot load the CA file " + options.ca_file);
    }
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    ssl_ = SSL_new(ctx_);
    // SSL_set_tlsext_host_name, spelled out: the macro uses an old-style cast.
    SSL_ctrl(ssl_, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(options.host.c_str()));
    SSL_set1_host(ssl_, options.host.c_str());
    SSL_set_fd(ssl_, fd_);
    if (SSL_connect(ssl_) != 1) {
        close_all();
        throw std::runtime_error("TLS handshake with port " + std::to_string(port) + " failed");
    }
}

Connection::~Connection() {
    close_all();
}

void Connection::close_all() noexcept {
    if (ssl_) SSL_free(ssl_);
    if (ctx_) SSL_CTX_free(ctx_);
    if (fd_ >= 0) ::close(fd_);
    ssl_ = nullptr;
    ctx_ = nullptr;
    fd_ = -1;
}

bool Connection::send(const std::string& bytes) {
    std::size_t off = 0;
    while (off < bytes.size()) {
        ssize_t n = ssl_ ? SSL_write(ssl_, bytes.data() + off, static_cast<int>(bytes.size() - off))
                         : ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
        if (n <= 0) return false;
        off += static_cast<std::size_t>(n);
    }
    return true;
}

bool Connection::fill(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (!(ssl_ && SSL_pending(ssl_) > 0) && ::poll(&p, 1, static_cast<int>(left.count())) <= 0)
        return false;
    char buf[8192];
    ssize_t n = ssl_ ? SSL_read(ssl_, buf, sizeof buf) : ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<std::size_t>(n));
    return true;
}

std::optional<HttpResult> Connection::read_response(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos)
        if (!fill(deadline)) return std::nullopt;
    HttpResult r;
    std::string head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    std::size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    if (status_line.size() < 12) return std::nullopt;
    r.status = std::stoi(status_line.substr(9, 3));
    std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
        std::size_t e = head.find("\r\n", pos);
        if (e == std::string::npos) e = head.size();
        std::string line = head.substr(pos, e - pos);
        auto colon = line.find(':');
        if (colon != std::string::npos) {
            std::string name = line.substr(0, colon);
            std::transform(name.begin(), name.end(), name.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            std::string value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.erase(0, 1);
            r.headers[name] = value;
        }
        pos = e + 2;
    }
    std::size_t length =
        r.headers.count("content-length") ? std::stoul(r.headers["content-length"]) : 0;
    while (buffer_.size() < length)
        if (!fill(deadline)) return std::nullopt;
    r.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return r;
}

bool Connection::wait_closed(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
        char buf[4096];
        ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) return true;  // EOF or reset
    }
}

std::string make_request(const std::string& method, const std::string& target,
                         const std::string& body, const std::string& extra_headers) {
    std::string r = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers;
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
        r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
             "\r\n";
    r += "\r\n" + body;
    return r;
}

std::optional<HttpResult> request(std::uint16_t port, const std::string& method,
                                  const std::string& target, const std::string& body,
                                  const std::string& extra_headers) {
    Connection c(port);
    if (!c.send(make_request(method, target, body, extra_headers))) return std::nullopt;
    return c.read_response();
}

std::optional<HttpResult> request(std::uint16_t port, const ClientOptions& options,
                                  const std::string& method, const std::string& target,
                                  const std::string& body, const std::string& extra_headers) {
    Connection c(port, options);
    if (!c.send(make_request(method, target, body, extra_headers))) return std::nullopt;
    return c.read_response(std::chrono::seconds(15));  // a failover may hold a request this long
}

bool can_connect(std::uint16_t port) {
    int fd = open_socket(port);
    if (fd < 0) return false;
    ::close(fd);
    return true;
}

std::uint16_t Connection::local_port() const {
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return 0;
    return ntohs(addr.sin_port);
}

bool server_read_all(std::uint16_t server_port, std::uint16_t client_port) {
    // Lines: "sl local rem st tx_queue:rx_queue ...", addresses as HEXIP:HEXPORT.
    std::ifstream tcp("/proc/net/tcp");
    std::string line;
    std::getline(tcp, line);  // the header
    while (std::getline(tcp, line)) {
        std::istringstream in(line);
        std::string sl, local, remote, state, queues;
        in >> sl >> local >> remote >> state >> queues;
        auto port_of = [](const std::string& a) {
            return static_cast<std::uint16_t>(std::stoul(a.substr(a.find(':') + 1), nullptr, 16));
        };
        if (port_of(local) != server_port || port_of(remote) != client_port) continue;
        return std::stoul(queues.substr(queues.find(':') + 1), nullptr, 16) == 0;
    }
    return false;  // not (yet) accepted
}

}  // namespace sh::test
