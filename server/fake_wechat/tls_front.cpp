#include "server/fake_wechat/tls_front.hpp"

#include <array>
#include <mutex>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

namespace sh::fake_wechat {

namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using boost::system::error_code;

struct TlsFront::Impl : std::enable_shared_from_this<Impl> {
    Impl(asio::io_context& io, std::uint16_t backend_port)
        : ioc(io), acceptor(io), backend(backend_port) {}

    asio::io_context& ioc;
    ssl::context tls{ssl::context::tls_server};
    tcp::acceptor acceptor;
    std::uint16_t backend;
    mutable std::mutex mu;
    std::string last_sni;

    static int on_server_name(SSL* ssl, int*, void* arg) {
        auto* self = static_cast<Impl*>(arg);
        const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
        std::lock_guard lock(self->mu);
        self->last_sni = name ? name : "";
        return SSL_TLSEXT_ERR_OK;
    }

    awaitable<void> accept_loop() {
        for (;;) {
            error_code ec;
            tcp::socket s =
                co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return;  // closed by stop()
            asio::co_spawn(ioc, serve(std::move(s)), asio::detached);
        }
    }

    // One connection: the handshake (a refused one just ends it), then bytes both ways until
    // either side closes.
    awaitable<void> serve(tcp::socket client) {
        auto me = shared_from_this();
        auto front = std::make_shared<ssl::stream<tcp::socket>>(std::move(client), tls);
        asio::steady_timer deadline(ioc);
        deadline.expires_after(std::chrono::seconds(5));
        deadline.async_wait([front](error_code e) {
            if (!e) front->lowest_layer().close();
        });
        error_code ec;
        co_await front->async_handshake(ssl::stream_base::server,
                                        asio::redirect_error(asio::use_awaitable, ec));
        deadline.cancel();
        if (ec) co_return;
        auto back = std::make_shared<tcp::socket>(ioc);
        co_await back->async_connect({asio::ip::address_v4::loopback(), backend},
                                     asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
        // The shared pointers keep both ends alive while either direction still runs.
        asio::co_spawn(
            ioc, [front, back]() -> awaitable<void> { co_await pipe(*front, *back, front, back); },
            asio::detached);
        co_await pipe(*back, *front, front, back);
    }

    template <class From, class To>
    static awaitable<void> pipe(From& from, To& to,
                                const std::shared_ptr<ssl::stream<tcp::socket>>& front,
                                const std::shared_ptr<tcp::socket>& back) {
        std::array<char, 16 * 1024> buf;
        for (;;) {
            error_code ec;
            std::size_t n = co_await from.async_read_some(
                asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
            if (ec) break;
            co_await asio::async_write(to, asio::buffer(buf.data(), n),
                                       asio::redirect_error(asio::use_awaitable, ec));
            if (ec) break;
        }
        error_code ignored;
        front->lowest_layer().close(ignored);
        back->close(ignored);
    }
};

TlsFront::TlsFront(asio::io_context& ioc, const std::string& cert_file, const std::string& key_file,
                   std::uint16_t backend_port)
    : impl_(std::make_shared<Impl>(ioc, backend_port)) {
    impl_->tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3);
    impl_->tls.use_certificate_chain_file(cert_file);
    impl_->tls.use_private_key_file(key_file, ssl::context::pem);
    // SSL_CTX_set_tlsext_servername_callback, spelled out: the macro uses an old-style cast.
    SSL_CTX_callback_ctrl(impl_->tls.native_handle(), SSL_CTRL_SET_TLSEXT_SERVERNAME_CB,
                          reinterpret_cast<void (*)()>(&Impl::on_server_name));
    SSL_CTX_set_tlsext_servername_arg(impl_->tls.native_handle(), impl_.get());
}

std::string TlsFront::last_server_name() const {
    std::lock_guard lock(impl_->mu);
    return impl_->last_sni;
}

TlsFront::~TlsFront() {
    stop();
}

std::uint16_t TlsFront::start(std::uint16_t port) {
    tcp::endpoint ep{asio::ip::address_v4::loopback(), port};
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen();
    asio::co_spawn(impl_->ioc, impl_->accept_loop(), asio::detached);
    return impl_->acceptor.local_endpoint().port();
}

void TlsFront::stop() {
    error_code ignored;
    asio::post(impl_->ioc, [impl = impl_] {
        error_code e;
        impl->acceptor.close(e);
    });
}

}  // namespace sh::fake_wechat
