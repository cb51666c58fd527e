#pragma once
// The routing table: one visible list of {method, path pattern, handler}. Patterns are
// literal segments and {name} placeholders. An unknown path is 404, a known path with
// another method 405 (with Allow).
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/asio.hpp"
#include "server/http/message.hpp"

namespace sh::http {

struct Params {
    std::vector<std::pair<std::string, std::string>> values;
    // The value of {name}; the router guarantees every name of the pattern is present.
    const std::string& operator[](std::string_view name) const;
};

using Handler = std::function<awaitable<Response>(Request&, const Params&)>;

struct Route {
    Method method;
    std::string pattern;
    Handler handler;
};

class Router {
  public:
    Router() = default;
    explicit Router(std::vector<Route> routes);
    void add(Method m, std::string pattern, Handler h);

    struct Match {
        const Route* route = nullptr;  // null: error says why
        Params params;
        std::string_view error = "not_found";
        std::string allow;  // for 405
    };
    Match match(Method m, std::string_view path) const;

    struct Outcome {
        Response response;
        std::string_view route;  // the pattern, for logs and metrics ("unmatched" if none)
    };
    // Matches and runs the handler. This is the request boundary: expected failures become
    // their error response; anything unexpected is logged with the request id and answered
    // with a bare 500 that leaks nothing.
    awaitable<Outcome> dispatch(Request& req) const;

  private:
    struct Compiled {
        Route route;
        std::vector<std::string> segments;  // "{name}" marks a placeholder
    };
    std::vector<Compiled> routes_;
};

}  // namespace sh::http
