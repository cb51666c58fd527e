#include "server/http/server.hpp"

#include "server/http/errors.hpp"

#include <algorithm>
#include <list>
#include <mutex>
#include <random>
#include <unordered_set>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common/log.hpp"
#include "server/http/from_beast.hpp"

namespace sh::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

struct SessionState {
    asio::any_io_executor executor;
    beast::tcp_stream* stream = nullptr;  // null once the session ended
    bool busy = false;                    // a request is being read or handled
};

struct Server::Impl {
    Impl(asio::io_context& io, const config::HttpConfig& c, const Router& r, AccessLog& l,
         Metrics& m)
        : ioc(io),
          cfg(c),
          router(r),
          log(l),
          metrics(m),
          acceptor(io),
          trusted(c.trusted_proxies.begin(), c.trusted_proxies.end()) {}

    awaitable<void> run_listener();
    awaitable<void> run_session(tcp::socket socket);
    awaitable<void> reject_connection(tcp::socket socket);
    awaitable<bool> write_response(beast::tcp_stream& stream, Request& req, Response& resp,
                                   bool keep_alive, std::string_view route,
                                   std::chrono::steady_clock::time_point started);
    void forget(const std::shared_ptr<SessionState>& s) {
        std::lock_guard lock(mu);
        sessions.erase(s);
    }

    asio::io_context& ioc;
    const config::HttpConfig cfg;  // a copy: the caller's may be a temporary
    const Router& router;
    AccessLog& log;
    Metrics& metrics;
    tcp::acceptor acceptor;
    std::unordered_set<std::string> trusted;
    std::uint16_t port = 0;
    std::atomic<bool> draining{false};
    std::atomic<int> active{0};
    std::mutex mu;
    std::unordered_set<std::shared_ptr<SessionState>> sessions;
};

Server::Server(asio::io_context& ioc, const config::HttpConfig& cfg, const Router& router,
               AccessLog& log, Metrics& metrics)
    : impl_(std::make_unique<Impl>(ioc, cfg, router, log, metrics)) {}

Server::~Server() = default;

void Server::start() {
    auto& a = impl_->acceptor;
    tcp::endpoint ep(asio::ip::make_address(impl_->cfg.address), impl_->cfg.port);
    a.open(ep.protocol());
    a.set_option(asio::socket_base::reuse_address(true));
    a.bind(ep);
    a.listen(asio::socket_base::max_listen_connections);
    impl_->port = a.local_endpoint().port();
    asio::co_spawn(impl_->ioc, impl_->run_listener(), asio::detached);
}

std::uint16_t Server::port() const {
    return impl_->port;
}

awaitable<void> Server::Impl::run_listener() {
    for (;;) {
        error_code ec;
        tcp::socket socket =
            co_await acceptor.async_accept(asio::any_io_executor(asio::make_strand(ioc)),
                                           asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (draining || !acceptor.is_open()) co_return;
            // Out of descriptors or a transient error: do not spin.
            log::warn("http", "accept failed: " + ec.message());
            asio::steady_timer t(ioc, std::chrono::milliseconds(50));
            co_await t.async_wait(asio::use_awaitable);
            continue;
        }
        if (active.load() >= cfg.max_connections) {
            metrics.connections_rejected.fetch_add(1);
            auto ex = socket.get_executor();
            asio::co_spawn(ex, reject_connection(std::move(socket)), asio::detached);
            continue;
        }
        active.fetch_add(1);
        metrics.connections_active.fetch_add(1);
        auto ex = socket.get_executor();
        asio::co_spawn(ex, run_session(std::move(socket)), [this](std::exception_ptr ep) {
            active.fetch_sub(1);
            metrics.connections_active.fetch_sub(1);
            if (ep) {
                try {
                    std::rethrow_exception(ep);
                } catch (const std::exception& e) {
                    log::error("http", std::string("session ended by exception: ") + e.what());
                }
            }
        });
    }
}

awaitable<void> Server::Impl::reject_connection(tcp::socket socket) {
    static const std::string reply =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
        "Connection: close\r\nContent-Length: " +
        std::to_string(Response::error(transport_failure("too_many_connections")).body.size()) +
        "\r\n\r\n" + Response::error(transport_failure("too_many_connections")).body;
    beast::tcp_stream stream(std::move(socket));
    stream.expires_after(std::chrono::seconds(1));
    error_code ec;
    co_await asio::async_write(stream, asio::buffer(reply),
                               asio::redirect_error(asio::use_awaitable, ec));
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
}

awaitable<bool> Server::Impl::write_response(beast::tcp_stream& stream, Request& req,
                                             Response& resp, bool keep_alive,
                                             std::string_view route,
                                             std::chrono::steady_clock::time_point started) {
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(resp.status), 11};
    res.set(bhttp::field::content_type, resp.content_type);
    res.set("X-Request-Id", req.request_id);
    // The API's answers are one person's (tokens, profiles, phone numbers, bookings): no cache on
    // the way — a carrier's proxy, the building's, the phone's — may keep them. A handler may
    // say otherwise (its own header wins).
    if (req.path().rfind("/api/", 0) == 0) res.set(bhttp::field::cache_control, "no-store");
    for (const auto& [k, v] : resp.headers) res.set(k, v);
    std::size_t bytes = resp.body.size();
    res.body() = std::move(resp.body);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    if (req.method == Method::head) res.body().clear();  // Content-Length stays that of GET

    stream.expires_after(std::chrono::milliseconds(cfg.read_timeout_ms));
    error_code ec;
    co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));

    auto elapsed = std::chrono::steady_clock::now() - started;
    double seconds = std::chrono::duration<double>(elapsed).count();
    std::string_view method = method_name(req.method);
    metrics.observe(method, route, resp.status, seconds);
    log.write(AccessEntry{method, route, req.path(), resp.status, seconds * 1000.0, req.request_id,
                          req.client_ip, bytes});
    co_return !ec;
}

awaitable<void> Server::Impl::run_session(tcp::socket socket) {
    auto state = std::make_shared<SessionState>();
    state->executor = socket.get_executor();
    error_code ec;
    std::string peer = socket.remote_endpoint(ec).address().to_string();
    beast::tcp_stream stream(std::move(socket));
    state->stream = &stream;
    {
        std::lock_guard lock(mu);
        sessions.insert(state);
    }
    beast::flat_buffer buffer;

    for (;;) {
        state->busy = false;
        if (draining) break;
        if (buffer.size() == 0) {
            // Waiting for the next request on a keep-alive connection.
            stream.expires_after(std::chrono::milliseconds(cfg.idle_timeout_ms));
            std::size_t n = co_await stream.async_read_some(
                buffer.prepare(4096), asio::redirect_error(asio::use_awaitable, ec));
            if (ec) break;
            buffer.commit(n);
        }
        state->busy = true;
        auto started = std::chrono::steady_clock::now();

        bhttp::request_parser<bhttp::string_body> parser;
        parser.body_limit(cfg.body_limit);
        parser.header_limit(static_cast<std::uint32_t>(cfg.header_limit));
        parser.eager(true);
        // Most requests arrive whole in one segment: parse what is buffered first, and only go
        // back to the socket (one async_read, one more trip through the scheduler) for the rest.
        while (!parser.is_done()) {
            std::size_t used = parser.put(buffer.data(), ec);
            buffer.consume(used);
            if (ec || used == 0 || buffer.size() == 0) break;
        }
        if (ec == bhttp::error::need_more) ec = {};
        if (!ec && !parser.is_done()) {
            // The whole request must arrive within read_timeout: a client trickling bytes is cut.
            stream.expires_after(std::chrono::milliseconds(cfg.read_timeout_ms));
            co_await bhttp::async_read(stream, buffer, parser,
                                       asio::redirect_error(asio::use_awaitable, ec));
        }

        Request req;
        req.client_ip = peer;
        if (ec) {
            std::string_view code;
            if (ec == bhttp::error::body_limit)
                code = "payload_too_large";
            else if (ec == bhttp::error::header_limit)
                code = "headers_too_large";
            else if (ec == beast::error::timeout || ec == bhttp::error::end_of_stream ||
                     ec == asio::error::operation_aborted || ec == asio::error::eof ||
                     ec == asio::error::connection_reset)
                break;
            else
                code = "bad_request";
            req.request_id = new_request_id();
            Response resp = Response::error(transport_failure(code));
            co_await write_response(stream, req, resp, false, "unparsed", started);
            // Read (and drop) what the client is still sending for a moment, so that closing
            // does not reset the connection before it has read our answer.
            stream.socket().shutdown(tcp::socket::shutdown_send, ec);
            stream.expires_after(std::chrono::milliseconds(500));
            char sink[4096];
            for (int i = 0; i < 64; ++i) {
                co_await stream.async_read_some(asio::buffer(sink),
                                                asio::redirect_error(asio::use_awaitable, ec));
                if (ec) break;
            }
            break;
        }

        auto msg = parser.release();
        bool keep_alive_asked = msg.keep_alive();
        req = to_request(std::move(msg), peer, trusted);

        auto outcome = co_await router.dispatch(req);
        bool keep_alive = keep_alive_asked && !draining;
        bool written = co_await write_response(stream, req, outcome.response, keep_alive,
                                               outcome.route, started);
        if (!written || !keep_alive) break;
    }

    state->stream = nullptr;
    forget(state);
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream.close();
}

awaitable<void> Server::drain(std::chrono::milliseconds grace) {
    Impl& s = *impl_;
    s.draining = true;
    error_code ec;
    s.acceptor.close(ec);

    auto cancel_sessions = [&s](bool only_idle) {
        std::lock_guard lock(s.mu);
        for (const auto& st : s.sessions) {
            asio::post(st->executor, [st, only_idle] {
                if (st->stream && (!only_idle || !st->busy)) st->stream->cancel();
            });
        }
    };
    cancel_sessions(true);

    auto deadline = std::chrono::steady_clock::now() + grace;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    while (s.active.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        timer.expires_after(std::chrono::milliseconds(10));
        co_await timer.async_wait(asio::use_awaitable);
        cancel_sessions(true);  // a session that finished its request meanwhile is now idle
    }
    if (s.active.load() > 0) {
        log::warn("http", "grace period over; closing " + std::to_string(s.active.load()) +
                              " connection(s) with requests in flight");
        // Closing (not only cancelling) the socket cuts the client off at once, even while its
        // handler is awaiting something other than the socket (a timer, a pool job).
        {
            std::lock_guard lock(s.mu);
            for (const auto& st : s.sessions)
                asio::post(st->executor, [st] {
                    error_code ignored;
                    if (st->stream) st->stream->socket().close(ignored);
                });
        }
        // Handlers see their connection gone when they next touch it; wait a moment for them,
        // then leave the rest to the event loop's shutdown.
        auto cut_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
        while (s.active.load() > 0 && std::chrono::steady_clock::now() < cut_deadline) {
            timer.expires_after(std::chrono::milliseconds(10));
            co_await timer.async_wait(asio::use_awaitable);
        }
        if (s.active.load() > 0)
            log::warn("http", std::to_string(s.active.load()) +
                                  " handler(s) still running after their connection was cut");
    }
}

}  // namespace sh::http
