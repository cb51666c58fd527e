#pragma once
// Every handler of the service, as a factory taking the services it may use. routes.cpp puts
// them in the routing table.
#include "server/api/services.hpp"

namespace sh::api {

// ops.cpp
http::Handler healthz(Services& svc);
http::Handler readyz(Services& svc);
http::Handler metrics(Services& svc);

// accounts.cpp
http::Handler login(Services& svc);
http::Handler logout(Services& svc);
http::Handler get_me(Services& svc);
http::Handler patch_me(Services& svc);
http::Handler post_phone(Services& svc);
http::Handler put_role(Services& svc);

}  // namespace sh::api
