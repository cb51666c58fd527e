// The bare baseline for benchmarks: the smallest Beast + C++20 coroutine HTTP server we would
// write, answering every request with {"status":"ok"} on keep-alive connections. No routing,
// no logging, no metrics: the framework's cost is measured against this.
//   sh_hello PORT THREADS
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

asio::awaitable<void> run_session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    for (;;) {
        http::request<http::string_body> req;
        stream.expires_after(std::chrono::seconds(30));
        co_await http::async_read(stream, buffer, req,
                                  asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        http::response<http::string_body> res{http::status::ok, req.version()};
        res.set(http::field::content_type, "application/json");
        res.body() = R"({"status":"ok"})";
        res.keep_alive(req.keep_alive());
        res.prepare_payload();
        co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
        if (ec || !res.keep_alive()) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
}

asio::awaitable<void> run_listener(asio::io_context& ioc, tcp::acceptor& acceptor) {
    for (;;) {
        tcp::socket socket = co_await acceptor.async_accept(
            asio::any_io_executor(asio::make_strand(ioc)), asio::use_awaitable);
        auto ex = socket.get_executor();
        asio::co_spawn(ex, run_session(std::move(socket)), asio::detached);
    }
}

int main(int argc, char** argv) {
    unsigned short port = argc > 1 ? static_cast<unsigned short>(std::atoi(argv[1])) : 18081;
    int threads = argc > 2 ? std::atoi(argv[2]) : 2;
    asio::io_context ioc(threads);
    tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), port});
    asio::co_spawn(ioc, run_listener(ioc, acceptor), asio::detached);
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) pool.emplace_back([&] { ioc.run(); });
    ioc.run();
    for (auto& t : pool) t.join();
}
