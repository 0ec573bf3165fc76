#include "serve_access.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>

namespace ptzgrab::cli {
namespace {

constexpr std::size_t max_token_file_bytes = 4096;

std::string lower_name(std::string name) {
    std::ranges::transform(name, name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (name.size() > 1 && name.ends_with('.')) name.pop_back();
    return name;
}

bool is_loopback(const std::string& bind) {
    return bind == "localhost" || bind == "::1" || bind == "[::1]" || bind.starts_with("127.");
}

std::string this_host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0) return {};
    return name;
}

}  // namespace

Result<std::string> read_token_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorKind::invalid_input, "--token-file " + path + ": cannot be read");
    std::string text;
    text.resize(max_token_file_bytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad()) return make_error(ErrorKind::invalid_input, "--token-file " + path + ": cannot be read");
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_token_file_bytes)
        return make_error(ErrorKind::invalid_input, "--token-file " + path + ": longer than 4096 bytes");
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    if (text.empty()) return make_error(ErrorKind::invalid_input, "--token-file " + path + ": is empty");
    bool printable = std::ranges::all_of(text, [](unsigned char c) { return c > 0x20 && c != 0x7f; });
    if (!printable)
        return make_error(ErrorKind::invalid_input,
                          "--token-file " + path + ": the token must be one line without blanks or control characters");
    return text;
}

web::HostPolicy host_policy(const std::string& bind, const std::vector<std::string>& allow_hosts) {
    web::HostPolicy policy;
    for (const std::string& name : allow_hosts) {
        if (name == "*") policy.any = true;
        else policy.names.push_back(lower_name(name));
    }
    if (!is_loopback(bind)) {
        std::string own = lower_name(this_host_name());
        if (!own.empty()) {
            policy.names.push_back(own);
            if (own.find('.') == std::string::npos) policy.names.push_back(own + ".local");  // mDNS
        }
    }
    return policy;
}

}  // namespace ptzgrab::cli
