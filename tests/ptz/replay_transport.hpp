#pragma once
// A SoapTransport that records every request and answers from replies recorded per operation (the
// last part of the SOAP action). Unknown operations get the ActionNotSupported fault cameras send.
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ptz/soap_transport.hpp"

namespace ptzgrab::ptz::testing {

inline SoapReply ok(std::string body) { return SoapReply{200, "application/soap+xml; charset=utf-8", "", std::move(body)}; }

class ReplayTransport : public SoapTransport {
public:
    /// Replies for `operation`, served in order; the last one repeats.
    void on(const std::string& operation, std::vector<SoapReply> replies) {
        replies_[operation] = std::deque<SoapReply>(replies.begin(), replies.end());
    }
    /// A hook that sees each request first and may answer it (Digest checks, clocks).
    std::function<std::optional<Result<SoapReply>>(const SoapRequest&)> hook;

    Result<SoapReply> post(const SoapRequest& request) override {
        requests.push_back(request);
        if (hook)
            if (auto answer = hook(request)) return *answer;
        auto found = replies_.find(operation_of(request));
        if (found == replies_.end() || found->second.empty()) return unsupported();
        SoapReply reply = found->second.front();
        if (found->second.size() > 1) found->second.pop_front();
        return reply;
    }

    static std::string operation_of(const SoapRequest& request) {
        return request.action.substr(request.action.rfind('/') + 1);
    }

    std::vector<SoapRequest> sent(const std::string& operation) const {
        std::vector<SoapRequest> out;
        for (const auto& r : requests)
            if (operation_of(r) == operation) out.push_back(r);
        return out;
    }

    std::vector<SoapRequest> requests;

private:
    static SoapReply unsupported() {
        return SoapReply{500, "application/soap+xml", "",
                         R"(<?xml version="1.0"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:ter="http://www.onvif.org/ver10/error"><env:Body><env:Fault><env:Code><env:Value>env:Receiver</env:Value><env:Subcode><env:Value>ter:ActionNotSupported</env:Value></env:Subcode></env:Code><env:Reason><env:Text xml:lang="en">Optional Action Not Implemented</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>)"};
    }
    std::map<std::string, std::deque<SoapReply>> replies_;
};

}  // namespace ptzgrab::ptz::testing
