// Diagnostic cards: drawn off the io threads, once per error, size and second.
#include <doctest/doctest.h>

#include <deque>
#include <future>
#include <thread>

#include "router_fixture.hpp"
#include "web/responses.hpp"

using namespace ptzgrab;
using namespace ptzgrab::testing;

namespace {

// Stands in for the render pool: work waits here until the test runs it.
struct QueuedOffload {
    std::mutex mutex;
    std::deque<std::function<void()>> work;
    std::function<void(web::RenderAnswer, web::SendAnswer)> function() {
        return [this](web::RenderAnswer render, web::SendAnswer send) {
            std::lock_guard lock(mutex);
            work.push_back([render = std::move(render), send = std::move(send)] { web::render_and_send(render, send); });
        };
    }
    size_t run_all() {
        size_t n = 0;
        for (;;) {
            std::function<void()> next;
            {
                std::lock_guard lock(mutex);
                if (work.empty()) return n;
                next = std::move(work.front());
                work.pop_front();
            }
            next();
            ++n;
        }
    }
};

struct Answers {
    std::mutex mutex;
    std::vector<web::Response> responses;
    size_t count() {
        std::lock_guard lock(mutex);
        return responses.size();
    }
};

void ask(RouterFixture& f, const std::string& target, Answers& answers) {
    web::Request request{web::http::verb::get, target, 11};
    request.set(web::http::field::host, "127.0.0.1:8080");
    f.router.handle(request, [&answers](web::Answer answer) {
        std::lock_guard lock(answers.mutex);
        answers.responses.push_back(std::move(answer.head));
    });
}

}  // namespace

TEST_CASE("cards: a dead source's card is drawn on the render pool, never on the thread that asked") {
    SourceConfig cam = RouterFixture::source("cam1");
    cam.max_age = std::chrono::seconds(60);  // the failure is answered from memory, on the asking thread
    RouterFixture f({cam});
    f.fail_with(ErrorKind::timeout);
    REQUIRE(f.get("/stream/snapshot").result() == web::http::status::gateway_timeout);
    QueuedOffload pool;
    f.context.offload = pool.function();
    Answers answers;
    f.advance(std::chrono::seconds(2));  // a new second: that card is not held yet
    ask(f, "/stream/snapshot?width=4096&height=4096", answers);
    CHECK(answers.count() == 0);  // nothing was drawn on this thread
    CHECK(pool.run_all() >= 1);
    REQUIRE(answers.count() == 1);
    const web::Response& card = answers.responses.front();
    CHECK(card.result() == web::http::status::gateway_timeout);
    CHECK(card[web::http::field::content_type] == "image/jpeg");
    CHECK(card["X-Grab-Error"] == "timeout");
}

TEST_CASE("cards: sixty-four requests for one dead source in one second share one drawing") {
    RouterFixture f;
    f.fail_with(ErrorKind::source_unreachable);
    QueuedOffload pool;
    f.context.offload = pool.function();
    Answers first;
    ask(f, "/stream/snapshot?width=4096&height=4096", first);  // the grab fails, the card is queued
    for (int i = 0; i < 200 && first.count() == 0; ++i) {  // the fake grab ends on a cache thread
        pool.run_all();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(first.count() == 1);
    uint64_t drawn = f.context.cards.drawings();
    Answers answers;
    for (int i = 0; i < 64; ++i) ask(f, "/stream/snapshot?width=4096&height=4096", answers);
    pool.run_all();
    REQUIRE(answers.count() == 64);
    CHECK(f.context.cards.drawings() == drawn);  // all from the held card
    for (const auto& res : answers.responses) {
        CHECK(res.result() == web::http::status::bad_gateway);
        CHECK(web::body_view(res) == web::body_view(first.responses.front()));
    }
    ask(f, "/stream/snapshot?width=640&height=360", answers);  // another size is another card
    pool.run_all();
    CHECK(f.context.cards.drawings() == drawn + 1);
}

TEST_CASE("cards: a drawing that throws answers everyone waiting for it with nothing, and is tried again next time") {
    web::CardCache cards;
    std::promise<void> started, release;
    auto released = release.get_future().share();
    auto throwing = [&]() -> std::vector<uint8_t> {
        started.set_value();
        released.wait_for(std::chrono::seconds(10));
        throw std::bad_alloc();
    };
    auto first = std::async(std::launch::async, [&] { return cards.get_or_draw("k", throwing); });
    REQUIRE(started.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    auto second = std::async(std::launch::async, [&] {  // finds the drawing under way and waits for it
        return cards.get_or_draw("k", [] { return std::vector<uint8_t>{9}; });
    });
    for (int i = 0; i < 1000 && cards.waiting() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE(cards.waiting() == 1);
    release.set_value();
    CHECK(first.get() == nullptr);
    CHECK(second.get() == nullptr);  // it waited for the one drawing instead of drawing its own
    CHECK(cards.drawings() == 1);
    auto card = cards.get_or_draw("k", [] { return std::vector<uint8_t>{1, 2, 3}; });
    REQUIRE(card != nullptr);
    CHECK(card->size() == 3);
    CHECK(cards.drawings() == 2);
    CHECK(cards.find("k") == card);
}

TEST_CASE("cards: a refused ?url= grab is answered without drawing its card on the asking thread") {
    RouterFixture f;
    f.enable_adhoc();
    f.adhoc->shutdown();  // from here every ?url= grab is refused at once, on the thread that asks
    QueuedOffload pool;
    f.context.offload = pool.function();
    Answers answers;
    ask(f, "/stream/snapshot?url=rtsp%3A%2F%2F127.0.0.1%3A9%2Fx&width=4096&height=4096", answers);
    CHECK(answers.count() == 0);  // the card waits for the render pool
    CHECK(pool.run_all() == 1);
    REQUIRE(answers.count() == 1);
    CHECK(answers.responses.front()[web::http::field::content_type] == "image/jpeg");
}

TEST_CASE("router: another site cannot make the server grab a ?url= of its choosing") {
    RouterFixture f;
    f.enable_adhoc();
    auto cross = f.call("GET", "/stream/snapshot?url=rtsp%3A%2F%2F10.0.0.5%2Fx",
                        {{"Host", "127.0.0.1:8080"}, {"Sec-Fetch-Site", "cross-site"}});
    CHECK(cross.result() == web::http::status::forbidden);
    CHECK(f.grabs() == 0);
    auto same = f.call("GET", "/stream/snapshot?url=rtsp%3A%2F%2F10.0.0.5%2Fx",
                       {{"Host", "127.0.0.1:8080"}, {"Sec-Fetch-Site", "same-origin"}});
    CHECK(same.result() == web::http::status::ok);
    CHECK(f.grabs() == 1);
    auto configured = f.call("GET", "/stream/snapshot", {{"Host", "127.0.0.1:8080"}, {"Sec-Fetch-Site", "cross-site"}});
    CHECK(configured.result() == web::http::status::ok);  // dashboards on other sites may embed configured sources
}
