// The Beast transport against small real servers on 127.0.0.1: one that records the request and
// answers, one that never answers, one whose body is too large.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "ptz/host_resolver.hpp"
#include "ptz/http_digest.hpp"
#include "ptz/http_url.hpp"
#include "ptz/soap_transport.hpp"

using namespace ptzgrab;
using namespace ptzgrab::ptz;
using namespace std::chrono_literals;

namespace {

// A listening socket on a free loopback port; `serve` (if any) handles one connection on a thread.
class OneShotServer {
public:
    explicit OneShotServer(std::function<void(int)> serve = {}) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(listener_ >= 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(::listen(listener_, 4) == 0);
        socklen_t length = sizeof address;
        REQUIRE(::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
        port_ = ntohs(address.sin_port);
        if (serve)
            thread_ = std::thread([this, serve] {
                int connection = ::accept(listener_, nullptr, nullptr);
                if (connection < 0) return;
                serve(connection);
                ::close(connection);
            });
    }
    ~OneShotServer() {
        ::shutdown(listener_, SHUT_RDWR);  // wakes a pending accept
        if (thread_.joinable()) thread_.join();
        ::close(listener_);
    }
    std::string url(const std::string& path = "/onvif/ptz_service") const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }

private:
    int listener_ = -1;
    int port_ = 0;
    std::thread thread_;
};

// Reads a request up to the end of its body (Content-Length), with a cap.
std::string read_request(int connection) {
    std::string in;
    char buffer[4096];
    for (;;) {
        auto header_end = in.find("\r\n\r\n");
        if (header_end != std::string::npos) {
            auto at = in.find("Content-Length: ");
            std::size_t length = at == std::string::npos ? 0 : std::stoul(in.substr(at + 16));
            if (in.size() >= header_end + 4 + length) return in;
        }
        ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
        if (n <= 0 || in.size() > (1 << 20)) return in;
        in.append(buffer, static_cast<std::size_t>(n));
    }
}

void send_all(int connection, const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        ssize_t n = ::send(connection, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return;
        sent += static_cast<std::size_t>(n);
    }
}

SoapRequest request_to(const std::string& url, std::chrono::milliseconds timeout = 3000ms) {
    return SoapRequest{url, "http://www.onvif.org/ver20/ptz/wsdl/GetStatus", "<s:Envelope/>",
                       "Digest username=\"admin\"", timeout};
}

}  // namespace

TEST_CASE("http transport: posts SOAP 1.2 with its action and reads any status, keeping the Digest challenge") {
    std::string seen;
    {
        OneShotServer server([&](int connection) {
            seen = read_request(connection);
            send_all(connection,
                     "HTTP/1.1 401 Unauthorized\r\nContent-Type: text/html\r\nWWW-Authenticate: Basic realm=\"cam\"\r\n"
                     "WWW-Authenticate: Digest realm=\"cam\", nonce=\"abc\", qop=\"auth\"\r\nContent-Length: 5\r\n"
                     "Connection: close\r\n\r\nnope!");
        });
        auto reply = make_http_transport()->post(request_to(server.url()));
        REQUIRE_MESSAGE(reply, (reply ? "" : reply.error().message));
        CHECK(reply->status == 401);
        CHECK(reply->www_authenticate == "Digest realm=\"cam\", nonce=\"abc\", qop=\"auth\"");
        CHECK(reply->body == "nope!");
    }
    CHECK(seen.starts_with("POST /onvif/ptz_service HTTP/1.1\r\n"));
    CHECK(seen.find("application/soap+xml; charset=utf-8; action=\"http://www.onvif.org/ver20/ptz/wsdl/GetStatus\"") !=
          std::string::npos);
    CHECK(seen.find("Authorization: Digest username=\"admin\"") != std::string::npos);
    CHECK(seen.ends_with("<s:Envelope/>"));
}

TEST_CASE("http transport: a server that never answers is a timeout at the deadline") {
    OneShotServer server([](int connection) {
        read_request(connection);
        std::this_thread::sleep_for(1500ms);  // longer than the client's deadline
    });
    auto started = std::chrono::steady_clock::now();
    auto reply = make_http_transport()->post(request_to(server.url(), 500ms));
    auto took = std::chrono::steady_clock::now() - started;
    REQUIRE_FALSE(reply);
    CHECK(reply.error().kind == ErrorKind::timeout);
    CHECK(took >= 450ms);
    CHECK(took < 1400ms);
}

TEST_CASE("http transport: a body over 1 MiB is refused") {
    OneShotServer server([](int connection) {
        read_request(connection);
        std::size_t size = (1 << 20) + 1024;
        send_all(connection, "HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml\r\nContent-Length: " +
                                 std::to_string(size) + "\r\n\r\n" + std::string(size, 'x'));
    });
    auto reply = make_http_transport()->post(request_to(server.url()));
    REQUIRE_FALSE(reply);
    CHECK(reply.error().kind == ErrorKind::device_error);
}

TEST_CASE("http transport: https and other schemes are refused before any connection; a closed port is unreachable") {
    auto https = make_http_transport()->post(request_to("https://127.0.0.1:1/onvif/device_service"));
    REQUIRE_FALSE(https);
    CHECK(https.error().kind == ErrorKind::invalid_input);
    auto ftp = make_http_transport()->post(request_to("ftp://127.0.0.1/x"));
    REQUIRE_FALSE(ftp);
    CHECK(ftp.error().kind == ErrorKind::invalid_input);
    std::string closed_url;
    { closed_url = OneShotServer().url(); }  // the port is free again
    auto closed = make_http_transport()->post(request_to(closed_url));
    REQUIRE_FALSE(closed);
    CHECK(closed.error().kind == ErrorKind::source_unreachable);
}

TEST_CASE("http transport: a host name is resolved and reached (localhost, from /etc/hosts)") {
    std::string seen;
    {
        OneShotServer server([&](int connection) {
            seen = read_request(connection);
            send_all(connection, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        });
        std::string url = server.url();
        url.replace(url.find("127.0.0.1"), 9, "localhost");
        auto reply = make_http_transport()->post(request_to(url));
        REQUIRE_MESSAGE(reply, (reply ? "" : reply.error().message));
        CHECK(reply->body == "ok");
    }
    CHECK(seen.find("\r\nHost: localhost:") != std::string::npos);
}

TEST_CASE("host resolver: a literal IP never reaches the resolver") {
    int lookups = 0;
    HostLookup counting = [&](const std::string&, const std::string&) -> Result<Endpoints> {
        ++lookups;
        return make_error(ErrorKind::source_unreachable, "no");
    };
    auto deadline = std::chrono::steady_clock::now() + 1s;
    auto v4 = resolve_host("192.0.2.7", "8080", deadline, counting);
    REQUIRE(v4);
    REQUIRE(v4->size() == 1);
    CHECK(v4->front().port() == 8080);
    auto v6 = resolve_host("fe80::1", "80", deadline, counting);
    REQUIRE(v6);
    CHECK(v6->front().address().is_v6());
    CHECK(lookups == 0);
}

TEST_CASE("host resolver: a DNS lookup that hangs is a timeout at the deadline, not when the lookup returns") {
    // A slow DNS server cannot be made real on loopback: the lookup waits until the test releases it.
    auto release = std::make_shared<std::promise<void>>();
    std::shared_future<void> released = release->get_future().share();
    HostLookup hanging = [released](const std::string&, const std::string&) -> Result<Endpoints> {
        released.wait_for(10s);
        return make_error(ErrorKind::source_unreachable, "late");
    };
    auto started = std::chrono::steady_clock::now();
    auto resolved = resolve_host("camera.example", "80", started + 300ms, hanging);
    auto took = std::chrono::steady_clock::now() - started;
    release->set_value();  // the abandoned helper ends now, on its own
    REQUIRE_FALSE(resolved);
    CHECK(resolved.error().kind == ErrorKind::timeout);
    CHECK(took >= 290ms);
    CHECK(took < 2s);
}

TEST_CASE("http transport: the Host header brackets an IPv6 host and leaves out port 80") {
    auto v6 = parse_http_url("http://[fe80::1]:8080/onvif/device_service");
    REQUIRE(v6);
    CHECK(v6->host == "fe80::1");
    CHECK(host_field(*v6) == "[fe80::1]:8080");
    auto v6_default = parse_http_url("http://[::1]/onvif/device_service");
    REQUIRE(v6_default);
    CHECK(host_field(*v6_default) == "[::1]");
    auto v4 = parse_http_url("http://192.168.1.64/onvif/device_service");
    REQUIRE(v4);
    CHECK(host_field(*v4) == "192.168.1.64");
}

TEST_CASE("http transport: a SHA-256 Digest challenge first does not hide the MD5 one after it") {
    OneShotServer server([](int connection) {
        read_request(connection);
        send_all(connection,
                 "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"cam\", nonce=\"s\", algorithm=SHA-256, "
                 "qop=\"auth\"\r\nWWW-Authenticate: Digest realm=\"cam\", nonce=\"m\", algorithm=MD5, qop=\"auth\"\r\n"
                 "Content-Length: 0\r\nConnection: close\r\n\r\n");
    });
    auto reply = make_http_transport()->post(request_to(server.url()));
    REQUIRE_MESSAGE(reply, (reply ? "" : reply.error().message));
    auto challenge = parse_digest_challenge(reply->www_authenticate);
    REQUIRE(challenge);
    CHECK(challenge->nonce == "m");
}
