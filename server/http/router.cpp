#include "server/http/router.hpp"

#include "server/http/errors.hpp"

#include <exception>
#include <optional>

#include "common/log.hpp"

namespace sh::http {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    if (!path.empty() && path[0] == '/') i = 1;
    while (i <= path.size()) {
        auto slash = path.find('/', i);
        if (slash == std::string_view::npos) slash = path.size();
        out.push_back(path.substr(i, slash - i));
        i = slash + 1;
    }
    return out;
}

bool is_placeholder(std::string_view s) {
    return s.size() > 2 && s.front() == '{' && s.back() == '}';
}

}  // namespace

const std::string& Params::operator[](std::string_view name) const {
    for (const auto& [k, v] : values)
        if (k == name) return v;
    static const std::string empty;
    return empty;
}

Router::Router(std::vector<Route> routes) {
    for (auto& r : routes) add(r.method, std::move(r.pattern), std::move(r.handler));
}

void Router::add(Method m, std::string pattern, Handler h) {
    Compiled c{Route{m, std::move(pattern), std::move(h)}, {}};
    for (auto seg : split_path(c.route.pattern)) c.segments.emplace_back(seg);
    routes_.push_back(std::move(c));
}

Router::Match Router::match(Method m, std::string_view path) const {
    Match result;
    auto segs = split_path(path);
    for (const auto& c : routes_) {
        if (c.segments.size() != segs.size()) continue;
        Params params;
        bool ok = true;
        for (std::size_t i = 0; i < segs.size() && ok; ++i) {
            if (is_placeholder(c.segments[i])) {
                if (segs[i].empty())
                    ok = false;
                else
                    params.values.emplace_back(c.segments[i].substr(1, c.segments[i].size() - 2),
                                               std::string(segs[i]));
            } else {
                ok = c.segments[i] == segs[i];
            }
        }
        if (!ok) continue;
        if (c.route.method == m || (m == Method::head && c.route.method == Method::get)) {
            result.route = &c.route;
            result.params = std::move(params);
            return result;
        }
        result.error = "method_not_allowed";
        if (!result.allow.empty()) result.allow += ", ";
        result.allow += method_name(c.route.method);
    }
    return result;
}

awaitable<Router::Outcome> Router::dispatch(Request& req) const {
    Match m = match(req.method, req.path());
    if (!m.route) {
        Response r = Response::error(transport_failure(m.error));
        if (m.error == "method_not_allowed") r.headers.emplace_back("Allow", m.allow);
        co_return Outcome{std::move(r), "unmatched"};
    }
    std::string_view route = m.route->pattern;
    // (g++ 12: common/asio.hpp)
    std::optional<Response> response;
    try {
        Response r = co_await m.route->handler(req, m.params);
        response.emplace(std::move(r));
    } catch (const FailureException& e) {
        response.emplace(Response::error(e.failure()));
    } catch (const std::exception& e) {
        log::error("http",
                   "request " + req.request_id + " " + std::string(route) + " failed: " + e.what());
    } catch (...) {
        log::error("http", "request " + req.request_id + " " + std::string(route) +
                               " failed with a non-standard exception");
    }
    if (!response) response.emplace(Response::error(transport_failure("internal")));
    Outcome out{std::move(*response), route};
    co_return out;
}

}  // namespace sh::http
